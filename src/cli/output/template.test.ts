import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseTemplate, renderTemplate, TemplateError } from './template.ts'

const data = {
  Name: '/web',
  Id: 'abc',
  State: { Running: true, ExitCode: 0, Pid: 42, Health: null },
  Config: { Labels: { b: '2', a: '1' }, Env: ['A=1', 'B=2'], Cmd: ['sh', '-c', 'echo hi'], Empty: [] },
  NetworkSettings: { Networks: { bridge: { IPAddress: '172.17.0.2' }, other: { IPAddress: '10.0.0.2' } } },
  Size: 1.5,
  Big: 1e6,
}
const r = (t: string, d: unknown = data, missingKey: 'default' | 'error' = 'default') =>
  renderTemplate(t, d, { missingKey })

describe('Go text/template', () => {
  const cases: [string, string][] = [
    ['{{.Name}}', '/web'],
    ['plain text', 'plain text'],
    ['{{.State.Running}} {{.State.Pid}}', 'true 42'],
    ['{{.Config.Labels}}', 'map[a:1 b:2]'],
    ['{{.Config.Env}}', '[A=1 B=2]'],
    ['{{.Config.Empty}}', '[]'],
    ['{{.State.Health}}', '<nil>'],
    ['{{.Missing}}', '<no value>'],
    ['{{.Size}} {{.Big}}', '1.5 1000000'],
    ['{{json .Config.Labels}}', '{"b":"2","a":"1"}'],
    ['{{json .Config.Env}}', '["A=1","B=2"]'],
    ['{{json .Name}}', '"/web"'],
    ['{{index .Config.Labels "a"}}', '1'],
    ['{{index .Config.Labels "zz"}}', ''],
    ['{{index .Config.Env 1}}', 'B=2'],
    ['{{range .Config.Env}}[{{.}}]{{end}}', '[A=1][B=2]'],
    ['{{range $i, $e := .Config.Env}}{{$i}}={{$e}} {{end}}', '0=A=1 1=B=2 '],
    ['{{range $k, $v := .Config.Labels}}{{$k}}:{{$v}},{{end}}', 'a:1,b:2,'],
    [
      '{{range $net, $conf := .NetworkSettings.Networks}}{{$net}}={{$conf.IPAddress}} {{end}}',
      'bridge=172.17.0.2 other=10.0.0.2 ',
    ],
    ['{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', '172.17.0.210.0.0.2'],
    ['{{range .Config.Empty}}x{{else}}none{{end}}', 'none'],
    ['{{if .State.Running}}up{{else}}down{{end}}', 'up'],
    ['{{if not .State.Running}}up{{else if eq .Name "/web"}}web{{else}}other{{end}}', 'web'],
    ['{{if and .State.Running (eq .State.ExitCode 0)}}ok{{end}}', 'ok'],
    ['{{if or .Missing .Name}}{{.Name}}{{end}}', '/web'],
    ['{{with .State}}{{.Pid}}{{end}}', '42'],
    ['{{with .Missing}}x{{else}}empty{{end}}', 'empty'],
    ['{{$n := .Name}}{{$n}}{{$n = "x"}}{{$n}}', '/webx'],
    ['{{.Name | upper}}', '/WEB'],
    ['{{.Name | printf "%s!"}}', '/web!'],
    ['{{join .Config.Cmd " "}}', 'sh -c echo hi'],
    ['{{split "a,b,c" ","}}', '[a b c]'],
    ['{{lower "ABC"}} {{title "hello world"}}', 'abc Hello World'],
    ['{{truncate "abcdef" 3}}|{{truncate "ab" 3}}', 'abc|ab'],
    ['{{pad "x" 2 1}}|{{pad "" 2 1}}|', '  x ||'],
    ['{{len .Config.Env}} {{len .Name}} {{len .Config.Labels}}', '2 4 2'],
    [
      '{{printf "%-5s|%5s|%d|%03d|%v|%q|%t|%.2f|%x" "a" "b" 7 7 .Config.Env "q" true 3.14159 255}}',
      'a    |    b|7|007|[A=1 B=2]|"q"|true|3.14|ff',
    ],
    ['{{println "a" 1}}', 'a 1\n'],
    ['{{print "a" 1 2 "b"}}', 'a1 2b'],
    ['{{eq .State.ExitCode 1 2 0}}', 'true'],
    ['{{ne .Name "/web"}} {{lt 1 2}} {{gt "b" "a"}} {{le 2 2}} {{ge 1 2}}', 'false true true true false'],
    ['{{- " a " -}}  x  {{- " b "}}', ' a x b '],
    ['a  {{- /* comment */ -}}  b', 'ab'],
    ['{{/* just a comment */}}z', 'z'],
    ['{{"\\t"}}|{{`raw\\t`}}', '\t|raw\\t'],
    ['{{(index .Config.Env 0)}}', 'A=1'],
    ['{{(.State).Pid}}', '42'],
    ['{{range .Config.Env}}{{if eq . "B=2"}}{{break}}{{end}}{{.}}{{end}}', 'A=1'],
    ['{{range .Config.Env}}{{if eq . "A=1"}}{{continue}}{{end}}{{.}}{{end}}', 'B=2'],
    ['{{range 3}}{{.}}{{end}}', '012'],
    ['{{slice "abcdef" 1 3}}', 'bc'],
    [
      '{{.Id}}{{$}}',
      'abcmap[Big:1000000 Config:map[Cmd:[sh -c echo hi] Empty:[] Env:[A=1 B=2] Labels:map[a:1 b:2]] Id:abc Name:/web NetworkSettings:map[Networks:map[bridge:map[IPAddress:172.17.0.2] other:map[IPAddress:10.0.0.2]]] Size:1.5 State:map[ExitCode:0 Health:<nil> Pid:42 Running:true]]',
    ],
  ]
  for (const [tmpl, want] of cases) {
    it(JSON.stringify(tmpl), () => assert.equal(r(tmpl), want))
  }

  it('calls methods with arguments on struct-like objects', () => {
    class Ctx {
      readonly goType = '*formatter.ContainerContext'
      Label(k: unknown) {
        return `label:${String(k)}`
      }
      ID() {
        return 'abc'
      }
    }
    assert.equal(r('{{.Label "x"}} {{.ID}}', new Ctx()), 'label:x abc')
    assert.throws(() => r('{{.Nope}}', new Ctx()), {
      message:
        'template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type *formatter.ContainerContext',
    })
  })

  it('fails on missing keys with missingkey=error as docker inspect does', () => {
    assert.throws(() => r('x {{.Nope}}', data, 'error'), {
      message: 'template: :1:4: executing "" at <.Nope>: map has no entry for key "Nope"',
    })
  })

  it('reports parse errors like Go', () => {
    assert.throws(() => parseTemplate('{{.ID'), new TemplateError('template: :1: unclosed action'))
    assert.throws(() => parseTemplate('{{\\}}'), /bad character U\+005C/)
    assert.throws(() => parseTemplate('{{if .A}}x'), /unexpected EOF/)
    assert.throws(() => parseTemplate('{{end}}'), /unexpected \{\{end\}\}/)
    assert.throws(() => parseTemplate('{{nofunc .A}}'), /function "nofunc" not defined/)
  })

  it('errors on nil pointer field access and bad index', () => {
    assert.throws(() => r('{{.State.Health.Status}}'), /nil pointer evaluating interface \{\}\.Status/)
    assert.throws(() => r('{{index .Config.Env 5}}'), /index out of range: 5/)
  })

  it('renders headers with docker header functions', () => {
    const t = parseTemplate('{{.ID}}\t{{upper .Name}}\t{{json .X}}')
    assert.equal(
      t.execute({ ID: 'CONTAINER ID', Name: 'NAMES', X: 'X' }, { header: true }),
      'CONTAINER ID\tNAMES\tX',
    )
  })
})
