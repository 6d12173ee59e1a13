/**
 * Not public: the entry of dist/internal/index.js, which the repo's own tests
 * load (the CLI's main() in one process, the backend's verbs under Wine) and
 * the package never ships.
 */
export { main } from './cli/main';
export { selected } from './backend';
// Side-file names and the lock id a ballot carries, so tests plant ballots and temp files as the package names them.
export { ballotPath, fileId, tmpPathOf } from './sidefiles';
export { ownDomain } from './domain';
