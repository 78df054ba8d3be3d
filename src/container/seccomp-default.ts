// Docker's default seccomp policy, as data, and its resolution into an OCI `linux.seccomp` for one
// container: default action ERRNO(EPERM), an allowlist of syscalls, and groups that apply only
// when the container holds a capability (or lacks one) or runs on some architecture. Syscalls
// libseccomp does not know are skipped by runc and crun, so the list may name newer ones.
// It does not parse user-supplied profiles (that is the caller's JSON).

export type SeccompAction = 'SCMP_ACT_ALLOW' | 'SCMP_ACT_ERRNO'

export interface SeccompArg {
  index: number
  value: number
  valueTwo?: number
  op: 'SCMP_CMP_NE' | 'SCMP_CMP_EQ' | 'SCMP_CMP_MASKED_EQ'
}

interface SeccompRule {
  names: readonly string[]
  action: SeccompAction
  errnoRet?: number
  args?: readonly SeccompArg[]
  /** Applies only if the container holds any of these capabilities. */
  caps?: readonly string[]
  /** Applies only if the container holds none of these capabilities. */
  notCaps?: readonly string[]
  /** Applies only on these architectures (Node `process.arch` names). */
  arches?: readonly string[]
}

/** OCI runtime-spec `linux.seccomp`. */
export interface OciSeccomp {
  defaultAction: 'SCMP_ACT_ERRNO'
  defaultErrnoRet: number
  architectures: string[]
  syscalls: Array<{ names: string[]; action: SeccompAction; errnoRet?: number; args?: SeccompArg[] }>
}

const EPERM = 1
const ENOSYS = 38
/** CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET: namespace flags clone() may not use without CAP_SYS_ADMIN. */
const CLONE_NAMESPACE_FLAGS = 0x7e020000

/** Syscalls every container may make. */
// biome-ignore format: a syscall table reads best packed
const BASE_ALLOWED: readonly string[] = [
  'accept', 'accept4', 'access', 'adjtimex', 'alarm', 'bind', 'brk', 'cachestat', 'capget', 'capset', 'chdir',
  'chmod', 'chown', 'chown32', 'clock_adjtime', 'clock_adjtime64', 'clock_getres', 'clock_getres_time64',
  'clock_gettime', 'clock_gettime64', 'clock_nanosleep', 'clock_nanosleep_time64', 'close', 'close_range',
  'connect', 'copy_file_range', 'creat', 'dup', 'dup2', 'dup3', 'epoll_create', 'epoll_create1', 'epoll_ctl',
  'epoll_ctl_old', 'epoll_pwait', 'epoll_pwait2', 'epoll_wait', 'epoll_wait_old', 'eventfd', 'eventfd2', 'execve',
  'execveat', 'exit', 'exit_group', 'faccessat', 'faccessat2', 'fadvise64', 'fadvise64_64', 'fallocate',
  'fanotify_mark', 'fchdir', 'fchmod', 'fchmodat', 'fchmodat2', 'fchown', 'fchown32', 'fchownat', 'fcntl',
  'fcntl64', 'fdatasync', 'fgetxattr', 'flistxattr', 'flock', 'fork', 'fremovexattr', 'fsetxattr', 'fstat',
  'fstat64', 'fstatat64', 'fstatfs', 'fstatfs64', 'fsync', 'ftruncate', 'ftruncate64', 'futex', 'futex_requeue',
  'futex_time64', 'futex_wait', 'futex_waitv', 'futex_wake', 'futimesat', 'getcpu', 'getcwd', 'getdents',
  'getdents64', 'getegid', 'getegid32', 'geteuid', 'geteuid32', 'getgid', 'getgid32', 'getgroups', 'getgroups32',
  'getitimer', 'getpeername', 'getpgid', 'getpgrp', 'getpid', 'getppid', 'getpriority', 'getrandom', 'getresgid',
  'getresgid32', 'getresuid', 'getresuid32', 'getrlimit', 'get_robust_list', 'getrusage', 'getsid', 'getsockname',
  'getsockopt', 'get_thread_area', 'gettid', 'gettimeofday', 'getuid', 'getuid32', 'getxattr', 'inotify_add_watch',
  'inotify_init', 'inotify_init1', 'inotify_rm_watch', 'io_cancel', 'ioctl', 'io_destroy', 'io_getevents',
  'io_pgetevents', 'io_pgetevents_time64', 'ioprio_get', 'ioprio_set', 'io_setup', 'io_submit', 'ipc', 'kill',
  'landlock_add_rule', 'landlock_create_ruleset', 'landlock_restrict_self', 'lchown', 'lchown32', 'lgetxattr',
  'link', 'linkat', 'listen', 'listxattr', 'llistxattr', '_llseek', 'lremovexattr', 'lseek', 'lsetxattr', 'lstat',
  'lstat64', 'madvise', 'map_shadow_stack', 'membarrier', 'memfd_create', 'memfd_secret', 'mincore', 'mkdir',
  'mkdirat', 'mknod', 'mknodat', 'mlock', 'mlock2', 'mlockall', 'mmap', 'mmap2', 'mprotect', 'mq_getsetattr',
  'mq_notify', 'mq_open', 'mq_timedreceive', 'mq_timedreceive_time64', 'mq_timedsend', 'mq_timedsend_time64',
  'mq_unlink', 'mremap', 'msgctl', 'msgget', 'msgrcv', 'msgsnd', 'msync', 'munlock', 'munlockall', 'munmap',
  'nanosleep', 'newfstatat', '_newselect', 'open', 'openat', 'openat2', 'pause', 'pidfd_open', 'pidfd_send_signal',
  'pipe', 'pipe2', 'pkey_alloc', 'pkey_free', 'pkey_mprotect', 'poll', 'ppoll', 'ppoll_time64', 'prctl', 'pread64',
  'preadv', 'preadv2', 'prlimit64', 'process_mrelease', 'pselect6', 'pselect6_time64', 'pwrite64', 'pwritev',
  'pwritev2', 'read', 'readahead', 'readlink', 'readlinkat', 'readv', 'recv', 'recvfrom', 'recvmmsg',
  'recvmmsg_time64', 'recvmsg', 'remap_file_pages', 'removexattr', 'rename', 'renameat', 'renameat2',
  'restart_syscall', 'rmdir', 'rseq', 'rt_sigaction', 'rt_sigpending', 'rt_sigprocmask', 'rt_sigqueueinfo',
  'rt_sigreturn', 'rt_sigsuspend', 'rt_sigtimedwait', 'rt_sigtimedwait_time64', 'rt_tgsigqueueinfo',
  'sched_getaffinity', 'sched_getattr', 'sched_getparam', 'sched_get_priority_max', 'sched_get_priority_min',
  'sched_getscheduler', 'sched_rr_get_interval', 'sched_rr_get_interval_time64', 'sched_setaffinity',
  'sched_setattr', 'sched_setparam', 'sched_setscheduler', 'sched_yield', 'seccomp', 'select', 'semctl', 'semget',
  'semop', 'semtimedop', 'semtimedop_time64', 'send', 'sendfile', 'sendfile64', 'sendmmsg', 'sendmsg', 'sendto',
  'setfsgid', 'setfsgid32', 'setfsuid', 'setfsuid32', 'setgid', 'setgid32', 'setgroups', 'setgroups32',
  'setitimer', 'setpgid', 'setpriority', 'setregid', 'setregid32', 'setresgid', 'setresgid32', 'setresuid',
  'setresuid32', 'setreuid', 'setreuid32', 'setrlimit', 'set_robust_list', 'setsid', 'setsockopt',
  'set_thread_area', 'set_tid_address', 'setuid', 'setuid32', 'setxattr', 'shmat', 'shmctl', 'shmdt', 'shmget',
  'shutdown', 'sigaltstack', 'signalfd', 'signalfd4', 'sigprocmask', 'sigreturn', 'socketcall', 'socketpair',
  'splice', 'stat', 'stat64', 'statfs', 'statfs64', 'statx', 'symlink', 'symlinkat', 'sync', 'sync_file_range',
  'syncfs', 'sysinfo', 'tee', 'tgkill', 'time', 'timer_create', 'timer_delete', 'timer_getoverrun',
  'timer_gettime', 'timer_gettime64', 'timer_settime', 'timer_settime64', 'timerfd_create', 'timerfd_gettime',
  'timerfd_gettime64', 'timerfd_settime', 'timerfd_settime64', 'times', 'tkill', 'truncate', 'truncate64',
  'ugetrlimit', 'umask', 'uname', 'unlink', 'unlinkat', 'utime', 'utimensat', 'utimensat_time64', 'utimes',
  'vfork', 'vmsplice', 'wait4', 'waitid', 'waitpid', 'write', 'writev',
  // Docker allows ptrace without CAP_SYS_PTRACE on kernels ≥ 4.8 (seccomp is then checked after
  // ptrace, closing the bypass); berth needs newer kernels anyway.
  'ptrace',
]

/** personality(2) personas Docker allows: PER_LINUX, PER_LINUX32, UNAME26 variants, and the query. */
const PERSONALITIES = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff]

const RULES: readonly SeccompRule[] = [
  { names: BASE_ALLOWED, action: 'SCMP_ACT_ALLOW' },
  // socket(2) for every family but AF_VSOCK (40), which reaches outside the network namespace.
  { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 40, op: 'SCMP_CMP_NE' }] },
  ...PERSONALITIES.map(
    (value): SeccompRule => ({
      names: ['personality'],
      action: 'SCMP_ACT_ALLOW',
      args: [{ index: 0, value, op: 'SCMP_CMP_EQ' }],
    }),
  ),
  { names: ['arch_prctl', 'modify_ldt'], action: 'SCMP_ACT_ALLOW', arches: ['x64', 'ia32'] },
  {
    names: [
      'arm_fadvise64_64',
      'arm_sync_file_range',
      'sync_file_range2',
      'breakpoint',
      'cacheflush',
      'set_tls',
    ],
    action: 'SCMP_ACT_ALLOW',
    arches: ['arm', 'arm64'],
  },
  { names: ['riscv_flush_icache'], action: 'SCMP_ACT_ALLOW', arches: ['riscv64'] },
  { names: ['open_by_handle_at'], action: 'SCMP_ACT_ALLOW', caps: ['CAP_DAC_READ_SEARCH'] },
  // biome-ignore format: a syscall table reads best packed
  {
    names: [
      'bpf', 'clone', 'clone3', 'fanotify_init', 'fsconfig', 'fsmount', 'fsopen', 'fspick', 'lookup_dcookie', 'mount',
      'mount_setattr', 'move_mount', 'name_to_handle_at', 'open_tree', 'perf_event_open', 'quotactl', 'quotactl_fd',
      'setdomainname', 'sethostname', 'setns', 'syslog', 'umount', 'umount2', 'unshare',
    ],
    action: 'SCMP_ACT_ALLOW',
    caps: ['CAP_SYS_ADMIN'],
  },
  // Without CAP_SYS_ADMIN, clone() may not create namespaces, and clone3() (whose flags live in
  // memory seccomp cannot inspect) says ENOSYS so that libc falls back to clone().
  {
    names: ['clone'],
    action: 'SCMP_ACT_ALLOW',
    args: [{ index: 0, value: CLONE_NAMESPACE_FLAGS, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }],
    notCaps: ['CAP_SYS_ADMIN'],
  },
  { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS, notCaps: ['CAP_SYS_ADMIN'] },
  { names: ['reboot'], action: 'SCMP_ACT_ALLOW', caps: ['CAP_SYS_BOOT'] },
  { names: ['chroot'], action: 'SCMP_ACT_ALLOW', caps: ['CAP_SYS_CHROOT'] },
  {
    names: ['delete_module', 'init_module', 'finit_module'],
    action: 'SCMP_ACT_ALLOW',
    caps: ['CAP_SYS_MODULE'],
  },
  { names: ['acct'], action: 'SCMP_ACT_ALLOW', caps: ['CAP_SYS_PACCT'] },
  {
    names: ['kcmp', 'pidfd_getfd', 'process_madvise', 'process_vm_readv', 'process_vm_writev', 'ptrace'],
    action: 'SCMP_ACT_ALLOW',
    caps: ['CAP_SYS_PTRACE'],
  },
  { names: ['iopl', 'ioperm'], action: 'SCMP_ACT_ALLOW', caps: ['CAP_SYS_RAWIO'] },
  {
    names: ['settimeofday', 'stime', 'clock_settime', 'clock_settime64'],
    action: 'SCMP_ACT_ALLOW',
    caps: ['CAP_SYS_TIME'],
  },
  { names: ['vhangup'], action: 'SCMP_ACT_ALLOW', caps: ['CAP_SYS_TTY_CONFIG'] },
  {
    names: ['get_mempolicy', 'mbind', 'set_mempolicy', 'set_mempolicy_home_node'],
    action: 'SCMP_ACT_ALLOW',
    caps: ['CAP_SYS_NICE'],
  },
  { names: ['syslog'], action: 'SCMP_ACT_ALLOW', caps: ['CAP_SYSLOG'] },
  { names: ['bpf'], action: 'SCMP_ACT_ALLOW', caps: ['CAP_BPF'] },
  { names: ['perf_event_open'], action: 'SCMP_ACT_ALLOW', caps: ['CAP_PERFMON'] },
]

/** libseccomp architecture names per Node `process.arch`: the native one plus its compat ABIs. */
const ARCHITECTURES: Record<string, string[]> = {
  x64: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
  ia32: ['SCMP_ARCH_X86'],
  arm64: ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'],
  arm: ['SCMP_ARCH_ARM'],
  riscv64: ['SCMP_ARCH_RISCV64'],
  ppc64: ['SCMP_ARCH_PPC64LE'],
  s390x: ['SCMP_ARCH_S390X', 'SCMP_ARCH_S390'],
}

/** Docker's default profile resolved for a container holding `capabilities` on `arch`. Pure. */
export function defaultSeccompProfile(
  capabilities: readonly string[],
  arch: string = process.arch,
): OciSeccomp {
  const held = new Set(capabilities)
  const syscalls: OciSeccomp['syscalls'] = []
  for (const rule of RULES) {
    if (rule.caps && !rule.caps.some((c) => held.has(c))) continue
    if (rule.notCaps?.some((c) => held.has(c))) continue
    if (rule.arches && !rule.arches.includes(arch)) continue
    syscalls.push({
      names: [...rule.names],
      action: rule.action,
      ...(rule.errnoRet === undefined ? {} : { errnoRet: rule.errnoRet }),
      ...(rule.args === undefined ? {} : { args: rule.args.map((a) => ({ ...a })) }),
    })
  }
  return {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: EPERM,
    architectures: [...(ARCHITECTURES[arch] ?? [])],
    syscalls,
  }
}
