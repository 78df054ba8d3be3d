// Canned Engine API answers for CLI golden tests (the same data was used to compare berth with
// docker 28 output); times are relative to the fixed NOW.
import type { FakeRoutes } from '../../client/fake-engine.ts'
/** Fixed clock for golden output: 2025-06-01T12:00:00Z. */
export const NOW = new Date(Date.UTC(2025, 5, 1, 12, 0, 0))
const now = Math.floor(NOW.getTime() / 1000)
export const containers = [
  { Id: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9', Names: ['/web'], Image: 'nginx:latest', ImageID: 'sha256:1111111111111111111111111111111111111111111111111111111111111111', Command: '/docker-entrypoint.sh nginx -g \'daemon off;\'', Created: now - 3600 * 5, Ports: [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }, { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }, { PrivatePort: 443, Type: 'tcp' }, { PrivatePort: 444, Type: 'tcp' }], SizeRw: 1234, SizeRootFs: 187654321, Labels: { b: '2', a: '1' }, State: 'running', Status: 'Up 5 hours', HostConfig: { NetworkMode: 'bridge' }, NetworkSettings: { Networks: { bridge: {}, alpha: {} } }, Mounts: [{ Type: 'volume', Name: 'a3f5e0c2b7d14c5f9e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4', Source: '/var/lib/x', Destination: '/data', Driver: 'local', Mode: '', RW: true, Propagation: '' }] },
  { Id: 'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100', Names: ['/db', '/web/db'], Image: 'docker.io/library/postgres:16@sha256:abababababababababababababababababababababababababababababababab', ImageID: 'sha256:2222222222222222222222222222222222222222222222222222222222222222', Command: 'docker-entrypoint.sh postgres', Created: now - 90, Ports: [], Labels: {}, State: 'exited', Status: 'Exited (0) About a minute ago', HostConfig: { NetworkMode: 'default' }, NetworkSettings: { Networks: {} }, Mounts: [] },
  { Id: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', Names: ['/lonely_name'], Image: 'sha256:3333333333333333333333333333333333333333333333333333333333333333', ImageID: 'sha256:3333333333333333333333333333333333333333333333333333333333333333', Command: 'sh', Created: now - 86400 * 20, Ports: [{ PrivatePort: 53, Type: 'udp' }, { IP: '127.0.0.1', PrivatePort: 5000, PublicPort: 5000, Type: 'tcp' }, { IP: '127.0.0.1', PrivatePort: 5001, PublicPort: 5001, Type: 'tcp' }], Labels: { 'com.example': 'x' }, State: 'created', Status: 'Created', HostConfig: { NetworkMode: 'none' }, NetworkSettings: { Networks: { none: {} } }, Mounts: [{ Type: 'bind', Source: '/home/user/some/very/long/path', Destination: '/x' }] },
]
export const images = [
  { Id: 'sha256:1111111111111111111111111111111111111111111111111111111111111111', ParentId: '', RepoTags: ['nginx:latest', 'nginx:1.27', 'myreg.local:5000/team/nginx:v1'], RepoDigests: ['nginx@sha256:cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd'], Created: now - 86400 * 10, Size: 187654321, SharedSize: -1, Labels: null, Containers: -1 },
  { Id: 'sha256:2222222222222222222222222222222222222222222222222222222222222222', ParentId: '', RepoTags: [], RepoDigests: ['postgres@sha256:abababababababababababababababababababababababababababababababab'], Created: now - 86400 * 400, Size: 4260000, SharedSize: -1, Labels: {}, Containers: -1 },
  { Id: 'sha256:3333333333333333333333333333333333333333333333333333333333333333', ParentId: '', RepoTags: [], RepoDigests: [], Created: now - 30, Size: 999, SharedSize: -1, Labels: {}, Containers: -1 },
]
export const history = [
  { Id: 'sha256:1111111111111111111111111111111111111111111111111111111111111111', Created: now - 86400 * 10, CreatedBy: 'CMD ["nginx" "-g" "daemon off;"]', Tags: ['nginx:latest'], Size: 0, Comment: 'buildkit.dockerfile.v0' },
  { Id: '<missing>', Created: now - 86400 * 10, CreatedBy: '/bin/sh -c set -x \t&& groupadd --system --gid 101 nginx && useradd something very long here', Tags: null, Size: 112233445, Comment: '' },
  { Id: '<missing>', Created: now - 86400 * 30, CreatedBy: '/bin/sh -c #(nop) ADD file:abc in / ', Tags: null, Size: 74800000, Comment: '' },
]
export const version = {
  Platform: { Name: 'Docker Engine - Community' },
  Components: [
    { Name: 'Engine', Version: '28.2.2', Details: { ApiVersion: '1.47', Arch: 'amd64', BuildTime: '2025-05-30T12:07:27.000000000+00:00', Experimental: 'false', GitCommit: '45873be', GoVersion: 'go1.24.3', KernelVersion: '6.8.0-1', MinAPIVersion: '1.24', Os: 'linux' } },
    { Name: 'containerd', Version: '1.7.27', Details: { GitCommit: '05044ec0a9a75232cad458027ca83437aae3f4da' } },
    { Name: 'runc', Version: '1.2.5', Details: { GitCommit: 'v1.2.5-0-g59923ef' } },
    { Name: 'docker-init', Version: '0.19.0', Details: { GitCommit: 'de40ad0' } },
  ],
  Version: '28.2.2', ApiVersion: '1.47', MinAPIVersion: '1.24', GitCommit: '45873be', GoVersion: 'go1.24.3', Os: 'linux', Arch: 'amd64', KernelVersion: '6.8.0-1', BuildTime: '2025-05-30T12:07:27.000000000+00:00',
}
export const info = {
  ID: 'b4c1e0a2-1f3d-4e5f-8a9b-0c1d2e3f4a5b', Containers: 3, ContainersRunning: 1, ContainersPaused: 0, ContainersStopped: 2, Images: 3, Driver: 'overlay2',
  DriverStatus: [['Backing Filesystem', 'extfs'], ['Supports d_type', 'true'], ['Using metacopy', 'false'], ['Native Overlay Diff', 'true'], ['userxattr', 'false']],
  Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'ipvlan', 'macvlan', 'null', 'overlay'], Authorization: null, Log: ['awslogs', 'fluentd', 'gcplogs', 'gelf', 'journald', 'json-file', 'local', 'splunk', 'syslog'] },
  MemoryLimit: true, SwapLimit: true, CpuCfsPeriod: true, CpuCfsQuota: true, CPUShares: true, CPUSet: true, PidsLimit: true, IPv4Forwarding: true, Debug: false, NFd: 30, OomKillDisable: false, NGoroutines: 50, SystemTime: '2025-06-01T10:00:00.000000000Z', LoggingDriver: 'json-file', CgroupDriver: 'systemd', CgroupVersion: '2', NEventsListener: 0, KernelVersion: '6.8.0-1', OperatingSystem: 'Ubuntu 24.04 LTS', OSVersion: '24.04', OSType: 'linux', Architecture: 'x86_64', IndexServerAddress: 'https://index.docker.io/v1/',
  RegistryConfig: { InsecureRegistryCIDRs: ['::1/128', '127.0.0.0/8'], IndexConfigs: { 'docker.io': { Name: 'docker.io', Mirrors: [], Secure: true, Official: true } }, Mirrors: [] },
  NCPU: 8, MemTotal: 33554432000, GenericResources: null, DockerRootDir: '/var/lib/docker', HttpProxy: '', HttpsProxy: '', NoProxy: '', Name: 'myhost', Labels: [], ExperimentalBuild: false, ServerVersion: '28.2.2',
  Runtimes: { 'io.containerd.runc.v2': { path: 'runc', status: {} }, runc: { path: 'runc', status: {} } }, DefaultRuntime: 'runc',
  Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
  LiveRestoreEnabled: false, Isolation: '', InitBinary: 'docker-init', ContainerdCommit: { ID: '05044ec0a9a75232cad458027ca83437aae3f4da' }, RuncCommit: { ID: 'v1.2.5-0-g59923ef' }, InitCommit: { ID: 'de40ad0' },
  SecurityOptions: ['name=apparmor', 'name=seccomp,profile=builtin', 'name=cgroupns'], CDISpecDirs: ['/etc/cdi', '/var/run/cdi'], Warnings: ['WARNING: bridge-nf-call-iptables is disabled'],
}
export const df = {
  LayersSize: 191914321, Images: images.map((i, n) => ({ ...i, Containers: n === 0 ? 1 : 0, SharedSize: 0 })), Containers: containers.map((c) => ({ ...c, SizeRw: 1234, SizeRootFs: 1000000 })),
  Volumes: [{ Name: 'a3f5e0c2b7d14c5f9e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4', Driver: 'local', Mountpoint: '/var/lib/docker/volumes/x/_data', CreatedAt: '2025-01-01T00:00:00Z', Labels: null, Scope: 'local', Options: null, UsageData: { Size: 12345, RefCount: 1 } }],
  BuildCache: [],
}
export const inspect = { Id: containers[0]!.Id, Created: '2025-06-01T10:00:00.123456789Z', Path: '/docker-entrypoint.sh', Args: ['nginx'], State: { Status: 'running', Running: true, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: 42, ExitCode: 0, Error: '', StartedAt: '2025-06-01T10:00:01Z', FinishedAt: '0001-01-01T00:00:00Z' }, Image: 'sha256:1111', Name: '/web', RestartCount: 0, Config: { Hostname: 'a1b2', Env: ['A=1', 'PATH=/bin'], Cmd: ['nginx', '-g', 'daemon off;'], Labels: { a: '1', 'com.x': '<&>' }, Tty: false, ExposedPorts: { '80/tcp': {} } }, HostConfig: { Memory: 0, NetworkMode: 'bridge', Binds: null }, NetworkSettings: { Networks: { bridge: { IPAddress: '172.17.0.2' } } }, Mounts: [], GraphDriver: { Name: 'overlay2', Data: null } }
export const routes: FakeRoutes = {
  'GET /containers/json': (req) => ({ json: req.query.get('all') ? containers : containers.filter((c) => c.State === 'running') }),
  'GET /images/json': { json: images },
  'GET /images/:name/history': { json: history },
  'GET /version': { json: version },
  'GET /info': { json: info },
  'GET /system/df': { json: df },
  'GET /containers/web/json': { json: inspect },
  'GET /containers/:id/json': { status: 404, json: { message: 'No such container: nope' } },
  'GET /images/:name/json': { status: 404, json: { message: 'No such image: nope:latest' } },
}
