import assert from 'node:assert/strict';
import test from 'node:test';
import {
  consistencyProof,
  EMPTY_ROOT,
  edgeOf,
  inclusionProof,
  leafHash,
  nodeHash,
  rangeHashFromPerfect,
  splitPoint,
  TreeEdge,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from '../../src/core/proof/merkle.ts';

// Certificate Transparency's reference tree (RFC 6962 test data, same hashing as RFC 9162).
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((hex) => Buffer.from(hex, 'hex'));
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const INCLUSION: [number, number, string[]][] = [
  [0, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [5, 8, ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [1, 5, ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
];
const CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
];

/** An in-memory tree computed straight from the RFC's definition, memoized by range. */
function memoryTree(leaves: Hash[]): (start: number, end: number) => Hash {
  const memo = new Map<string, Hash>();
  const mth = (start: number, end: number): Hash => {
    if (end - start === 0) return EMPTY_ROOT;
    if (end - start === 1) return leaves[start]!;
    const key = `${start}:${end}`;
    let hash = memo.get(key);
    if (!hash) {
      const k = splitPoint(end - start);
      hash = nodeHash(mth(start, start + k), mth(start + k, end));
      memo.set(key, hash);
    }
    return hash;
  };
  return mth;
}

const hex = (hashes: Hash[]) => hashes.map((hash) => hash.toString('hex'));
const hashes = (list: string[]) => list.map((h) => Buffer.from(h, 'hex'));
const reference = memoryTree(LEAVES.map(leafHash));

test('merkle: the reference roots of every size 0..8, by definition and by the growing edge', () => {
  const edge = new TreeEdge();
  assert.equal(edge.root().toString('hex'), ROOTS[0]);
  for (let n = 1; n <= 8; n++) {
    assert.equal(reference(0, n).toString('hex'), ROOTS[n], `size ${n}`);
    edge.append(leafHash(LEAVES[n - 1]!));
    assert.equal(edge.root().toString('hex'), ROOTS[n], `edge size ${n}`);
  }
});

test('merkle: the reference inclusion and consistency proofs, produced and verified', () => {
  for (const [index, size, proof] of INCLUSION) {
    assert.deepEqual(hex(inclusionProof(index, size, reference)), proof, `inclusion ${index} in ${size}`);
    assert.ok(verifyInclusion(leafHash(LEAVES[index]!), index, size, hashes(proof), Buffer.from(ROOTS[size]!, 'hex')));
  }
  for (const [first, second, proof] of CONSISTENCY) {
    assert.deepEqual(hex(consistencyProof(first, second, reference)), proof, `consistency ${first} → ${second}`);
    assert.ok(verifyConsistency(first, second, hashes(proof), Buffer.from(ROOTS[first]!, 'hex'), Buffer.from(ROOTS[second]!, 'hex')));
  }
});

test('merkle: every leaf of every tree size 1..1,000 has an inclusion proof that verifies, and no other', () => {
  const leaves = Array.from({ length: 1000 }, (_, i) => leafHash(Buffer.from(`événement ${i}`)));
  const tree = memoryTree(leaves);
  const edge = new TreeEdge();
  for (let size = 1; size <= 1000; size++) {
    edge.append(leaves[size - 1]!);
    const root = tree(0, size);
    assert.ok(edge.root().equals(root), `edge root at ${size}`);
    for (let index = 0; index < size; index++) {
      const proof = inclusionProof(index, size, tree);
      if (!verifyInclusion(leaves[index]!, index, size, proof, root)) assert.fail(`leaf ${index} of ${size}`);
      // The same proof for another leaf or index is refused (sampled: every 97th pair). The size
      // is not the proof's to bind: the signed head carries it.
      if ((size * 31 + index) % 97 === 0) {
        assert.equal(verifyInclusion(leaves[(index + 1) % size]!, index, size, proof, root), size === 1 ? true : false);
        if (size > 1) assert.equal(verifyInclusion(leaves[index]!, (index + 1) % size, size, proof, root), false);
      }
    }
  }
});

test('merkle: consistency proofs between every pair of sizes up to 300 and from every size to 1,000 verify', () => {
  const leaves = Array.from({ length: 1000 }, (_, i) => leafHash(Buffer.from([i & 255, i >> 8])));
  const tree = memoryTree(leaves);
  const check = (first: number, second: number) => {
    const proof = consistencyProof(first, second, tree);
    if (!verifyConsistency(first, second, proof, tree(0, first), tree(0, second))) assert.fail(`${first} → ${second}`);
  };
  for (let second = 1; second <= 300; second++) for (let first = 1; first <= second; first++) check(first, second);
  for (let first = 1; first <= 1000; first++) check(first, 1000);
});

test('merkle: one flipped bit anywhere (leaf, proof, root, sizes) fails verification', () => {
  const leaves = Array.from({ length: 77 }, (_, i) => leafHash(Buffer.from(`e${i}`)));
  const tree = memoryTree(leaves);
  const flip = (hash: Hash, bit: number) => {
    const copy = Buffer.from(hash);
    copy[bit >> 3]! ^= 1 << (bit & 7);
    return copy;
  };
  const root = tree(0, 77);
  const proof = inclusionProof(41, 77, tree);
  for (let bit = 0; bit < 256; bit += 13) {
    assert.equal(verifyInclusion(flip(leaves[41]!, bit), 41, 77, proof, root), false);
    assert.equal(verifyInclusion(leaves[41]!, 41, 77, proof, flip(root, bit)), false);
    for (let p = 0; p < proof.length; p++) assert.equal(verifyInclusion(leaves[41]!, 41, 77, proof.map((h, i) => (i === p ? flip(h, bit) : h)), root), false);
  }
  assert.equal(verifyInclusion(leaves[41]!, 41, 77, proof.slice(1), root), false);
  assert.equal(verifyInclusion(leaves[41]!, 41, 77, [...proof, proof[0]!], root), false);
  const consistency = consistencyProof(30, 77, tree);
  assert.ok(verifyConsistency(30, 77, consistency, tree(0, 30), root));
  assert.equal(verifyConsistency(30, 77, consistency, flip(tree(0, 30), 5), root), false);
  assert.equal(verifyConsistency(30, 77, consistency, tree(0, 30), flip(root, 200)), false);
  assert.equal(verifyConsistency(31, 77, consistency, tree(0, 31), root), false);
  assert.equal(verifyConsistency(30, 77, consistency.map((h, i) => (i === 1 ? flip(h, 9) : h)), tree(0, 30), root), false);
});

test('merkle: a range hash built from stored perfect subtrees equals the definition; the edge lists them', () => {
  const leaves = Array.from({ length: 200 }, (_, i) => leafHash(Buffer.from(`n${i}`)));
  const tree = memoryTree(leaves);
  const stored = new Map<string, Hash>();
  const edge = new TreeEdge();
  for (const leaf of leaves) for (const node of edge.append(leaf)) stored.set(`${node.level}:${node.position}`, node.hash);
  const perfect = (start: number, end: number) => stored.get(`${Math.log2(end - start)}:${start / (end - start)}`)!;
  for (let start = 0; start < 200; start += 7) for (let end = start; end <= 200; end += 5) assert.ok(rangeHashFromPerfect(start, end, perfect).equals(tree(start, end)), `${start}..${end}`);
  assert.deepEqual(edgeOf(200), [{ level: 7, position: 0 }, { level: 6, position: 2 }, { level: 3, position: 24 }]);
  const resumed = new TreeEdge(200, edgeOf(200).map(({ level, position }) => ({ level, hash: stored.get(`${level}:${position}`)! })));
  assert.ok(resumed.root().equals(tree(0, 200)));
});
