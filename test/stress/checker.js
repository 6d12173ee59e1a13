'use strict';
// Replays the witness log and judges it. The log is the only evidence: the
// order of its lines is the order in which the kernel applied the O_APPEND
// writes, so a line written later happened later. Timestamps (CLOCK_MONOTONIC
// ns, one clock for every process) are used only for the reported durations.
//
// Records (one write each):
//   enter <pid> <seq> <backend> <ns>   a worker is inside its critical section
//   exit  <pid> <seq> <ns>             it is about to release
//   kill  <pid> <held> <ns>            supervisor: <pid> was SIGSTOPped, seen
//                                      stopped, and is being SIGKILLed; it never
//                                      runs again, so from here on it is dead
//   ready <pid> <backend> <ns>          a worker has loaded the package and contends
//   reaped <pid> <ns>                  supervisor: its exit was observed
//   stop / cont <pid> <ns>             supervisor: frozen / resumed
//   race <kind> <ns>, go <ns>          supervisor: a stale lock was planted
//   bad <pid> <seq> <why>              a worker saw a lock that was not its own
//   error <pid> <message>              a worker failed
//
// Overlap: an enter while another process is inside and that process has no
// kill line before this enter. A frozen holder is alive and still inside.

function parse(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const f = line.split(' ');
    out.push({ type: f[0], f, line });
  }
  return out;
}

function check(text) {
  const inside = new Map(); // pid -> seq
  const dead = new Set();
  const lastSeq = new Map();
  const ready = new Set();
  const r = {
    acquisitions: 0,
    kills: 0,
    holderKills: 0,
    takeovers: 0,
    stops: 0,
    races: 0,
    raceWins: 0,
    overlaps: [],
    violations: [],
    recoveriesMs: [],
    maxRecoveryMs: null,
    maxRecoveryAfterExitMs: null,
    worstRecovery: null,
    raceTakeoverMs: [],
    backends: {},
  };
  let pendingKill = null;
  let pendingKillLine = 0;
  let pendingVictim = 0;
  let pendingReaped = null;
  let pendingReady = []; // ns of a kill that left a lock behind, until the next enter
  let pendingRace = null;
  let lineNo = 0;
  for (const rec of parse(text)) {
    lineNo++;
    const { type, f } = rec;
    const pid = Number(f[1]);
    const at = `line ${lineNo}: ${rec.line}`;
    switch (type) {
      case 'enter': {
        const seq = Number(f[2]);
        const ns = BigInt(f[4]);
        if (dead.has(pid)) r.violations.push(`${at}: a killed process wrote after its kill line`);
        if (inside.has(pid)) r.violations.push(`${at}: entered twice without an exit`);
        if (lastSeq.has(pid) && seq <= lastSeq.get(pid)) r.violations.push(`${at}: sequence went backwards`);
        lastSeq.set(pid, seq);
        for (const [other, oseq] of inside) {
          if (other === pid) continue;
          if (dead.has(other)) {
            inside.delete(other);
            r.takeovers++;
          } else {
            r.overlaps.push(`${at}: pid ${other} (seq ${oseq}) is still inside and alive`);
          }
        }
        inside.set(pid, seq);
        r.acquisitions++;
        r.backends[f[3]] = (r.backends[f[3]] || 0) + 1;
        if (pendingKill !== null) {
          const ms = Number(ns - pendingKill) / 1e6;
          if (ms > (r.maxRecoveryMs ?? -1)) {
            r.maxRecoveryMs = ms;
            r.worstRecovery = { from: pendingKillLine, to: lineNo, contenders: pendingReady };
          }
          r.recoveriesMs.push(ms);
          // From the observed exit: a SIGKILLed process still needs CPU to die, and releases its files last.
          const afterExit = pendingReaped === null ? 0 : Math.max(0, Number(ns - pendingReaped) / 1e6);
          r.maxRecoveryAfterExitMs = Math.max(r.maxRecoveryAfterExitMs ?? 0, afterExit);
          pendingKill = null;
        }
        if (pendingRace !== null) {
          r.raceTakeoverMs.push(Number(ns - pendingRace) / 1e6);
          r.raceWins++;
          pendingRace = null;
        }
        break;
      }
      case 'exit': {
        const seq = Number(f[2]);
        if (dead.has(pid)) r.violations.push(`${at}: a killed process wrote after its kill line`);
        if (inside.get(pid) !== seq) r.violations.push(`${at}: exit without a matching enter`);
        inside.delete(pid);
        break;
      }
      case 'ready':
        ready.add(pid);
        break;
      case 'kill': {
        r.kills++;
        dead.add(pid);
        ready.delete(pid);
        if (pendingKill !== null) {
          // Every contender that could have taken over is dead too: what follows is a replacement's start-up.
          pendingReady = pendingReady.filter((p) => p !== pid);
          if (pendingReady.length === 0) pendingKill = null;
        }
        const held = inside.has(pid) || f[2] === '1';
        if (inside.has(pid)) r.holderKills++;
        // With no live contender left, the wait is for a replacement to start, not for the lock.
        if (held && pendingKill === null && ready.size > 0) {
          pendingKill = BigInt(f[3]);
          pendingKillLine = lineNo;
          pendingVictim = pid;
          pendingReaped = null;
          pendingReady = [...ready];
        }
        break;
      }
      case 'stop':
        r.stops++;
        break;
      case 'go':
        r.races++;
        pendingRace = BigInt(f[1]);
        break;
      case 'bad':
      case 'error':
        r.violations.push(at);
        break;
      case 'reaped':
        ready.delete(pid);
        if (pendingKill !== null && pid === pendingVictim) pendingReaped = BigInt(f[2]);
        break;
      case 'cont':
      case 'race':
      case 'note':
        break;
      default:
        r.violations.push(`${at}: unknown record (a torn or interleaved write?)`);
    }
  }
  r.maxRaceTakeoverMs = r.raceTakeoverMs.length ? Math.max(...r.raceTakeoverMs) : null;
  return r;
}

module.exports = { check, parse };
