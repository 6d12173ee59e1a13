// Removing a stale lock: the election among breakers (ballot files), and the
// collection of litter (dead publishers' temp files and finished ballots).
import path = require('node:path');
import { assess, assessSideFile, read, type Seen } from './assess';
import { sharedFs } from './backend/fsinfo';
import type { Backend, Held } from './backend/types';
import { DEFAULT_POLICY, markerFor, ownDomain, type Policy } from './domain';
import { isErrno, PidLockError } from './errors';
import { formatContent } from './lockfile';
import { tmpCreatorHere } from './rules';
import { ballotPath, classify } from './sidefiles';

/** More dead breakers in a row than any real run produces; past it we wait rather than loop. */
export const MAX_ROUNDS = 256;

export type BreakResult = 'broken' | 'busy' | 'changed';

/**
 * Removes the lock file `seen` if it is still there and still stale, such that
 * no two processes ever remove "the same" stale lock and one of them deletes a
 * fresh lock that the other created meanwhile.
 *
 * Breakers of one stale file elect a single one (walkElection): ballots named
 * after that file's identity are created exclusively, round 1 first. The
 * winner re-reads the lock under its ballot and unlinks only if it is still
 * the same file (inode, mtime, ctime) and still stale. Nobody else unlinks that
 * file meanwhile: its owner is dead and every other breaker lost. Ballots of
 * files that are gone can never matter again, which is what makes collecting
 * them safe.
 */
export function breakStale(backend: Backend, lockPath: string, seen: Seen, policy: Policy = DEFAULT_POLICY): BreakResult {
  const deadBallots: string[] = [];
  // A ballot says where its breaker runs, as the lock does; nobody refreshes its mtime, so it has no lease.
  const marker = markerFor(path.dirname(lockPath), { ...policy, leaseMs: null }, backend.name === 'native');
  const content = formatContent(process.pid, marker);
  const vote = walkElection(backend, lockPath, seen.id, deadBallots, content, policy.force);
  if (vote.kind === 'none') return 'changed'; // a breaker finished: the file was dealt with
  if (vote.kind !== 'won') return 'busy';
  try {
    // `policy` again: a forced break re-checks that the lock is still one that cannot be checked.
    const now = assess(backend, lockPath, 'report', policy);
    if (now === null || now.seen.id !== seen.id || !now.verdict.stale) return 'changed';
    let removed: boolean;
    try {
      removed = backend.unlink(lockPath);
    } catch (err) {
      throw PidLockError.from(err, 'unlink', lockPath);
    }
    // Gone already: the previous winner's unlink of this very file, which we
    // could still see and be elected for (Backend.unlink). Nothing of anyone's
    // was deleted and the publish that follows is exclusive: "changed" is safe.
    if (!removed) return 'changed';
    collectLitter(backend, lockPath, deadBallots, policy, vote.ballot);
    return 'broken';
  } finally {
    removeOwn(backend, vote.ballot, vote.held);
  }
}

/**
 * Where the election for lock file `id` stands. won: our ballot (voting only);
 * live: a breaker at work holds this round; none: a round with no ballot (when
 * voting, one that vanished between our try and our look: its breaker finished);
 * crowded: MAX_ROUNDS dead ballots.
 */
export type Round =
  { kind: 'won'; ballot: string; held: Held } | { kind: 'live'; ballot: string; seen: Seen } | { kind: 'none' } | { kind: 'crowded' };

/**
 * The walk through the rounds of one election, shared by breakers and by
 * waiters looking for the breaker at work. A ballot counts only while its
 * breaker really holds it (judgeSideFile): one whose breaker is dead, or that
 * someone planted, sends the walk to the next round, and is listed in `dead`.
 * Dead processes do nothing, so at most one live process ever holds a counting
 * ballot of a file. A planted ballot may be impossible to delete (another
 * user's, in a sticky directory): passing over it, never removing it, is what
 * keeps the election going.
 * `vote`: the content of our ballot, created in the first free round; null: only look.
 * `force`: an operator's forced break, which passes over a ballot that cannot be
 * checked from here as it would over such a lock (judge()); otherwise a dead
 * breaker of another host would keep the lock from being forced.
 */
export function walkElection(backend: Backend, lockPath: string, id: string, dead: string[], vote: string | null, force = false): Round {
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const ballot = ballotPath(lockPath, id, round);
    if (vote !== null) {
      try {
        return { kind: 'won', ballot, held: backend.publish(ballot, vote) };
      } catch (err) {
        if (!isErrno(err, 'EEXIST')) throw PidLockError.from(err, 'create', ballot);
      }
    }
    const other = assessSideFile(backend, ballot, undefined, force);
    if (other === null) return { kind: 'none' };
    if (!other.verdict.stale) return { kind: 'live', ballot, seen: other.seen };
    dead.push(ballot);
  }
  return { kind: 'crowded' };
}

function removeOwn(backend: Backend, file: string, held: Held): void {
  try {
    backend.remove(file, held);
  } catch {
    // Left behind, it reads as a dead breaker's ballot and is collected later.
    backend.close(held);
  }
}

/**
 * Above this size (st_size of the directory) litter is collected only by name:
 * reading a directory of 300,000 entries would block a takeover for 200+ ms.
 * 64 KiB is a few thousand entries on ext4, tmpfs and btrfs, a read well under
 * a millisecond.
 */
const SWEEP_MAX_DIR_BYTES = 64 * 1024;

/**
 * Deletes temp files and ballots of this lock left by processes that died
 * mid-way. Their names are unique to their creator (temp files) or to a lock
 * file that no longer exists (ballots), so no live process can be using a name
 * we judge stale here.
 *
 * `known` are the names this break already met: the ballots of the file just
 * removed whose owners were dead, found by trying rounds 1..k. They are always
 * collected, without listing the directory. Everything else (temp files, whose
 * names carry their creator's random suffix, and ballots of older files) is
 * found by reading the directory, which is done only while it is small; in a
 * huge one such litter stays, harmless: no lock operation ever reads it, and
 * each crash leaves at most one such file.
 */
function collectLitter(backend: Backend, lockPath: string, known: readonly string[], policy: Policy, ownBallot: string): void {
  const dir = path.dirname(lockPath);
  // Unlisted (too large, or unreadable): collecting only what we know is still right.
  const entries = backend.list(dir, SWEEP_MAX_DIR_BYTES) ?? known.map((f) => path.basename(f));
  let currentId: string | null;
  try {
    currentId = read(backend, lockPath)?.id ?? null;
  } catch {
    return;
  }
  const ownTag = ownDomain()?.tag ?? null;
  const shared = policy.singleHost ? null : sharedFs(dir);
  for (const entry of entries) {
    const side = classify(lockPath, entry);
    // Our own ballot is removed right after; judging it would only prove it ours.
    if (side === null || (side.kind === 'ballot' && side.lockId === currentId) || entry === path.basename(ownBallot)) continue;
    const file = path.join(dir, entry);
    try {
      const creator = side.kind === 'tmp' ? { pid: side.pid, here: tmpCreatorHere(side.domain, ownTag, shared) } : undefined;
      if (assessSideFile(backend, file, creator)?.verdict.stale) backend.unlink(file);
    } catch {
      // Litter is harmless; never let collecting it fail a lock operation.
    }
  }
}
