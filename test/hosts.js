'use strict';
// Simulated hosts on one machine, sharing one lock directory. Each host is a
// UTS, PID and mount namespace (unshare) with its own hostname and its own boot
// id (a file bind-mounted over /proc/sys/kernel/random/boot_id), so its PIDs
// and its PID domain are its own, as on another machine. The directory is
// shared directly (via 'dir': one filesystem, as a volume two containers
// mount), or through a FUSE mount of its own per host (via 'bindfs'), whose
// kernel locks and Unix sockets stay on that host's mount, as on NFS without
// lock forwarding. Linux, as root.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { tmpDir, fixture, startChild, inCI, needRoot } = require('./helpers');

const TOOLS = ['unshare', 'nsenter', 'hostname', 'mount'];

/** What this machine lacks to simulate hosts shared `via`, or null. */
function missing(via) {
  const tools = via === 'bindfs' ? [...TOOLS, 'bindfs'] : TOOLS;
  const absent = tools.filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
  if (absent.length > 0) return `${absent.join(', ')} (apt: util-linux, hostname, bindfs)`;
  if (via === 'bindfs' && !fs.existsSync('/dev/fuse')) return '/dev/fuse';
  return null;
}

/** Root on Linux with the tools; outside CI a lack skips loudly, in CI it fails (.ci/run installs them). */
function needHosts(t, via = 'dir') {
  if (!needRoot(t)) return false;
  const why = missing(via);
  if (why === null) return true;
  if (inCI) assert.fail(`CI must be able to simulate hosts: missing ${why}`);
  t.skip(`NEEDS ${why} to simulate hosts`);
  return false;
}

async function startHost(name, work, shared, via) {
  const bootFile = path.join(work, `${name}.boot_id`);
  fs.writeFileSync(bootFile, `${crypto.randomUUID()}\n`);
  const view = via === 'bindfs' ? path.join(work, `${name}.mnt`) : shared;
  if (via === 'bindfs') fs.mkdirSync(view);
  // --kill-child: the host dies with its unshare, even if the test's process is killed.
  const unshare = ['unshare', '--uts', '--pid', '--mount', '--fork', '--mount-proc', '--kill-child'];
  const init = startChild(fixture('host-init.js'), [name, bootFile, ...(via === 'bindfs' ? [shared, view] : [])], { via: unshare });
  const ready = JSON.parse(await init.firstLine);
  assert.equal(ready.ready, true, `host ${name} did not start: ${ready.error} ${init.stderr()}`);
  // nsenter needs a PID of this namespace's view: the init's, the child of unshare.
  const children = fs.readFileSync(`/proc/${init.child.pid}/task/${init.child.pid}/children`, 'utf8');
  const enter = ['nsenter', '-t', children.trim().split(' ')[0], '--uts', '--pid', '--mount', '--'];
  return {
    name,
    boot: ready.boot,
    pidns: ready.pidns,
    /** The lock directory as this host sees it. */
    dir: view,
    path: (file) => path.join(view, file),
    /**
     * startChild() on this host; `pid`: as that PID of the host's namespace
     * (ns_last_pid), e.g. a PID another host's holder has, or will be given.
     */
    start(script, args = [], { pid, env } = {}) {
      const via = pid === undefined ? enter : [...enter, process.execPath, fixture('with-pid.js'), String(pid)];
      return startChild(script, args, { env, via });
    },
    async close() {
      init.child.stdin.end();
      await init.exited;
      if (via === 'bindfs') fs.rmdirSync(view);
    },
  };
}

/**
 * Starts hosts `names` (default a and b, hostnames host-a and host-b) sharing
 * one fresh lock directory `via` 'dir' or 'bindfs'. Every host ends with the test.
 */
async function startHosts(t, { via = 'dir', names = ['a', 'b'] } = {}) {
  const work = tmpDir('pidlock-hosts-');
  const shared = path.join(work, 'shared');
  fs.mkdirSync(shared, { mode: 0o1777 });
  const hosts = {};
  t.after(async () => {
    await Promise.all(Object.values(hosts).map((h) => h.close()));
    // The FUSE mounts lived in the hosts' own mount namespaces, gone with them.
    fs.rmSync(work, { recursive: true, force: true });
  });
  for (const n of names) hosts[n] = await startHost(`host-${n}`, work, shared, via);
  return { shared, ...hosts };
}

module.exports = { needHosts, startHosts };
