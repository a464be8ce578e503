export { canonicalJson } from './canonical-json';
export { GENESIS_HASH, chainHash, withChainedHashes, verifyStream, auditStreams, type StreamVerification } from './hash-chain';
export { HashChainingEventStore } from './hash-chaining-event-store';
