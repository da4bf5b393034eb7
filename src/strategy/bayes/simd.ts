/**
 * The forward solve L v = k, the inner loop of every GP prediction, in
 * WebAssembly with 2-lane SIMD. V8 neither vectorizes JavaScript nor removes
 * its bounds checks, and this loop was two thirds of planning a round at 1,000
 * trials. The module is small enough to write out by hand here, which spares
 * the build a WebAssembly toolchain.
 *
 * The arithmetic is exactly that of `dotAt` (linalg.ts), so predictions are the
 * same to the last bit: lanes [s0, s1] and [s2, s3] hold its four partial sums,
 * products and sums are separately rounded (no fused multiply-add), the tail
 * goes into s0, and the sums are combined as (s0 + s1) + (s2 + s3).
 *
 * In text format:
 *
 *   (func $dot (param $a i32) (param $b i32) (param $len i32) (result f64)
 *     (local $s01 v128) (local $s23 v128) (local $k i32) (local $s0 f64) (local $len4 i32)
 *     len4 = len & -4
 *     while k < len4:
 *       s01 = f64x2.add(s01, f64x2.mul(v128.load(a), v128.load(b)))
 *       s23 = f64x2.add(s23, f64x2.mul(v128.load offset=16 (a), v128.load offset=16 (b)))
 *       a += 32; b += 32; k += 4
 *     s0 = lane 0 of s01
 *     while k < len: s0 = s0 + f64.load(a) * f64.load(b); a += 8; b += 8; k += 1
 *     return (s0 + lane 1 of s01) + (lane 0 of s23 + lane 1 of s23))
 *
 *   (func $forward (param $l i32) (param $v i32) (param $k i32) (param $from i32) (param $to i32)
 *     (local $i i32) (local $row i32)
 *     for i in [from, to):
 *       row = l + 8·i(i+1)/2                      ;; packed lower triangle, as in linalg.ts
 *       v[i] = (k[i] - $dot(row, v, i)) / row[i])
 */

const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128, for the small constants used here. */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => vec([...s].map((ch) => [ch.charCodeAt(0)]));

// Instructions.
const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const i32 = (n: number) => [0x41, ...sleb(n)];
const ADD_I32 = [0x6a];
const MUL_I32 = [0x6c];
const AND_I32 = [0x71];
const SHL_I32 = [0x74];
const GE_U_I32 = [0x4f];
const F64_LOAD = [0x2b, 3, 0];
const F64_STORE = [0x39, 3, 0];
const ADD_F64 = [0xa0];
const SUB_F64 = [0xa1];
const MUL_F64 = [0xa2];
const DIV_F64 = [0xa3];
const v128Load = (offset: number) => [0xfd, 0x00, 3, ...uleb(offset)];
const lane = (i: number) => [0xfd, 0x21, i];
const ADD_F64X2 = [0xfd, ...uleb(240)];
const MUL_F64X2 = [0xfd, ...uleb(242)];
const CALL_DOT = [0x10, 0];
/** `while (!(a >= b)) body`, as block/loop with the exit test first. */
const whileBelow = (a: number[], b: number[], body: number[]) => [
  ...[0x02, 0x40, 0x03, 0x40],
  ...a,
  ...b,
  ...GE_U_I32,
  ...[0x0d, 1],
  ...body,
  ...[0x0c, 0, 0x0b, 0x0b],
];
const bump = (local: number, by: number) => [...get(local), ...i32(by), ...ADD_I32, ...set(local)];
const fn = (locals: [number, number][], code: number[]) => {
  const body = [...vec(locals.map(([count, type]) => [...uleb(count), type])), ...code, 0x0b];
  return [...uleb(body.length), ...body];
};

// $dot: params a=0, b=1, len=2; locals s01=3, s23=4, k=5, s0=6, len4=7.
const dotBody = fn(
  [
    [2, V128],
    [1, I32],
    [1, F64],
    [1, I32],
  ],
  [
    ...get(2),
    ...i32(-4),
    ...AND_I32,
    ...set(7),
    ...whileBelow(get(5), get(7), [
      ...[...get(3), ...get(0), ...v128Load(0), ...get(1), ...v128Load(0), ...MUL_F64X2, ...ADD_F64X2, ...set(3)],
      ...[...get(4), ...get(0), ...v128Load(16), ...get(1), ...v128Load(16), ...MUL_F64X2, ...ADD_F64X2, ...set(4)],
      ...bump(0, 32),
      ...bump(1, 32),
      ...bump(5, 4),
    ]),
    ...get(3),
    ...lane(0),
    ...set(6),
    ...whileBelow(get(5), get(2), [
      ...[...get(6), ...get(0), ...F64_LOAD, ...get(1), ...F64_LOAD, ...MUL_F64, ...ADD_F64, ...set(6)],
      ...bump(0, 8),
      ...bump(1, 8),
      ...bump(5, 1),
    ]),
    ...[...get(6), ...get(3), ...lane(1), ...ADD_F64],
    ...[...get(4), ...lane(0), ...get(4), ...lane(1), ...ADD_F64],
    ...ADD_F64,
  ],
);

// $forward: params l=0, v=1, k=2, from=3, to=4; locals i=5, row=6.
const at = (base: number, index: number) => [...get(base), ...get(index), ...i32(3), ...SHL_I32, ...ADD_I32];
const forwardBody = fn(
  [[2, I32]],
  [
    ...get(3),
    ...set(5),
    ...whileBelow(get(5), get(4), [
      ...[
        ...get(0),
        ...get(5),
        ...get(5),
        ...i32(1),
        ...ADD_I32,
        ...MUL_I32,
        ...i32(2),
        ...SHL_I32,
        ...ADD_I32,
        ...set(6),
      ],
      ...at(1, 5),
      ...[...at(2, 5), ...F64_LOAD],
      ...[...get(6), ...get(1), ...get(5), ...CALL_DOT, ...SUB_F64],
      ...[...at(6, 5), ...F64_LOAD, ...DIV_F64],
      ...F64_STORE,
      ...bump(5, 1),
    ]),
  ],
);

const bytes = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...section(
    1,
    vec([
      [0x60, ...vec([[I32], [I32], [I32]]), ...vec([[F64]])],
      [0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), ...vec([])],
    ]),
  ),
  ...section(2, vec([[...name("m"), ...name("memory"), 0x02, 0x00, 0x00]])),
  ...section(3, vec([[0], [1]])),
  ...section(
    7,
    vec([
      [...name("dot"), 0x00, 0],
      [...name("forward"), 0x00, 1],
    ]),
  ),
  ...section(10, vec([dotBody, forwardBody])),
]);

/**
 * The little of the WebAssembly API used here: Node has it, but its type
 * definitions live in TypeScript's DOM library, which this project leaves out.
 */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer };
  Instance: new (module: object, imports: object) => { readonly exports: object };
};

const module = new WebAssembly.Module(bytes);

const PAGE = 65536;

/** A memory of `doubles` Float64 slots and the routines over it; offsets are in doubles. */
export interface SolveMemory {
  readonly f64: Float64Array;
  /** Σ f64[a+k]·f64[b+k] for k < len, rounded exactly as `dotAt` rounds it. */
  dot(a: number, b: number, len: number): number;
  /**
   * For i in [from, to): f64[v+i] = (f64[k+i] − Σ_{j<i} L_ij f64[v+j]) / L_ii,
   * with L packed by rows from `l`.
   */
  forward(l: number, v: number, k: number, from: number, to: number): void;
}

let shared: SolveMemory | undefined;
let lastUser: object | undefined;

/**
 * The one memory that solves share, at least `doubles` long: a WebAssembly
 * memory reserves a large range of address space until the garbage collector
 * frees it, and allocating one per factorization or per round made rounds with
 * few trials slower than the JavaScript it replaced. `kept` says that nobody
 * else has used it since `user` last did, so what `user` left there is intact.
 */
export function borrowMemory(user: object, doubles: number): { memory: SolveMemory; kept: boolean } {
  if (!shared || shared.f64.length < doubles) {
    shared = solveMemory(doubles);
    lastUser = undefined;
  }
  const kept = lastUser === user;
  lastUser = user;
  return { memory: shared, kept };
}

export function solveMemory(doubles: number): SolveMemory {
  const memory = new WebAssembly.Memory({ initial: Math.ceil((doubles * 8) / PAGE) });
  const exports = new WebAssembly.Instance(module, { m: { memory } }).exports as {
    dot(a: number, b: number, len: number): number;
    forward(l: number, v: number, k: number, from: number, to: number): void;
  };
  return {
    f64: new Float64Array(memory.buffer, 0, doubles),
    dot: (a, b, len) => exports.dot(a * 8, b * 8, len),
    forward: (l, v, k, from, to) => exports.forward(l * 8, v * 8, k * 8, from, to),
  };
}
