// Preloaded (node --import) by scripts/docs-samples.mjs only: makes the random labels corskit draws for
// attacker origins reproducible, so that a sample output in the docs can be regenerated and compared.
// The product itself always uses real randomness.
let state = 0x2545f491;

/** mulberry32: a small deterministic generator, plenty for labels. */
function next() {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

Math.random = next;
globalThis.crypto.getRandomValues = (array) => {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(next() * 256);
  return array;
};
