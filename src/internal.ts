/**
 * Not public: the repo's one way into internals, bundled alone as dist/internal.js
 * (scripts/build.js) and never shipped. Tests and scripts reach the CLI's main()
 * in one process, the selected backend's verbs, the prebuild list and the pure
 * rules through it. It sits in dist/ beside index.js, so it finds the addon the
 * way the public entry does. One export statement per module: add a name to its
 * module's line, or a line for a new module.
 */
export { main } from './cli/main';
export { selected } from './backend';
export { PREBUILDS } from './backend/addon';
export { isUncPath, sharedKind, sharedFs, askBackend, linuxFsKind } from './backend/fsinfo';
// Side-file names and the lock id a ballot carries, so tests plant ballots and temp files as the package names them.
export { sideBase, tmpPath, tmpPathOf, ballotPath, fileId, classify } from './sidefiles';
export { ownDomain, tagInName, DEFAULT_POLICY } from './domain';
export { sha256Hex } from './sha256';
export { MAX_CONTENT, parseMarker, parsePid, formatContent } from './lockfile';
export { lockFileName } from './paths';
export { judge, judgeSideFile, tmpCreatorHere, GRACE_MS, START_MARGIN_MS } from './rules';
export { rehearseTakeover, rehearseTenure } from './rehearsal';
// The same registry and class the rehearsal uses: a lock from dist/index.js would be another bundle's.
export { holdsAny } from './registry';
export { PidLock } from './pidlock';
export { checkWait, DEFAULT_TIMEOUT_MS, DEFAULT_RETRY_MS } from './wait';
