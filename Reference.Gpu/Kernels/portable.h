// portable.h: the few macros that let one kernel source compile both as OpenCL C (clBuildProgram)
// and as CUDA C++ (NVRTC; clang -x cuda for the PTX check). The host puts this file in front of
// every kernel file and compiles with -DREAL=float or -DREAL=double (and the GEMM tile sizes).
//
// Rules for the kernel files: REAL for every floating value; literals through R(...) so float
// code never promotes to double; math through the functions at the end of this file (exp_r,
// sigmoid_r, tanh_r, relu_r); buffers indexed with an explicit element offset (OpenCL buffers
// cannot be offset on the host side).
#ifndef REAL
#error "compile with -DREAL=float or -DREAL=double"
#endif
#ifndef REAL_IS_DOUBLE
#error "compile with -DREAL_IS_DOUBLE=1 (REAL=double) or 0 (REAL=float)"
#endif

#ifdef __OPENCL_VERSION__
  #ifdef cl_khr_fp64
    #pragma OPENCL EXTENSION cl_khr_fp64 : enable
  #endif
  #define KERNEL __kernel
  #define GLOBAL __global
  #define LOCAL_MEM __local
  #define SYNC() barrier(CLK_LOCAL_MEM_FENCE)
  #define DEVICE_FN inline
  #define RESTRICT restrict
  #define GLOBAL_ID_X ((int)get_global_id(0))
  #define GLOBAL_ID_Y ((int)get_global_id(1))
  #define GROUP_ID_X ((int)get_group_id(0))
  #define GROUP_ID_Y ((int)get_group_id(1))
  #define LOCAL_ID_X ((int)get_local_id(0))
  #define LOCAL_ID_Y ((int)get_local_id(1))
  // reinterpreting the bits of an integer as a floating value; INT64 is a 64-bit integer
  #define INT_AS_FLOAT(i) as_float(i)
  #define LONG_AS_DOUBLE(i) as_double(i)
  #define INT64 long
#else
  #define KERNEL extern "C" __global__
  #define GLOBAL
  #define LOCAL_MEM __shared__
  #define SYNC() __syncthreads()
  #define DEVICE_FN __device__ inline
  #define RESTRICT __restrict__
  #define GLOBAL_ID_X ((int)(blockIdx.x * blockDim.x + threadIdx.x))
  #define GLOBAL_ID_Y ((int)(blockIdx.y * blockDim.y + threadIdx.y))
  #define GROUP_ID_X ((int)blockIdx.x)
  #define GROUP_ID_Y ((int)blockIdx.y)
  #define LOCAL_ID_X ((int)threadIdx.x)
  #define LOCAL_ID_Y ((int)threadIdx.y)
  // reinterpreting the bits of an integer as a floating value (CUDA's intrinsics); INT64 is a 64-bit integer
  #define INT_AS_FLOAT(i) __int_as_float(i)
  #define LONG_AS_DOUBLE(i) __longlong_as_double(i)
  #define INT64 long long
#endif

#define R(x) ((REAL)(x))

// ---- the activations, written so that a CPU device's compiler can vectorise them ----
// PoCL runs a work-group as a loop over its work-items and vectorises that loop only when its body
// has no branch it cannot turn into a select and no call it has no vector form of (its exp and
// tanh are such calls). So the activations below are straight-line arithmetic: no library call,
// every choice a ?: between two computed values. Their meaning is that of
// Reference/Numerics/Activations.cs; their forms are those of the CPU fast path
// (Reference/Fast/VectorExp.cs and GateKernels.cs). A NaN stays NaN (one more select: the
// integer conversion inside pow2_r is not defined for it), infinities give the limits.

// e^x for x <= 0 (the activations only need e^-|x|), after Cody and Waite, as Reference/Fast/VectorExp.cs:
//   x = n ln 2 + r,  n = round(x / ln 2),  |r| <= ln 2 / 2;   r = (x - n ln2_hi) - n ln2_lo
//   e^r = sum_{k=0}^{EXP_DEGREE} r^k / k!   (Taylor; the remainder is below 0.347^(d+1) / (d+1)!:
//         5e-9 for float's degree 7, 4e-18 for double's 13: under half a unit in the last place)
//   e^x = e^r * 2^n, 2^n built from its bits ((n + bias) << mantissa bits)
// x is first clamped to EXP_MIN, where e^x is still a normal number (below it e^x is taken as
// e^EXP_MIN, 1e-38 in float and 3e-308 in double, which only ever meets 1 + e^x here).
#if REAL_IS_DOUBLE
  #define EXP_DEGREE 13
  #define EXP_MIN R(-708.0)
  #define LN2_HI R(6.93147180369123816490e-01)   /* ln 2 to 32 bits: n ln2_hi is exact */
  #define LN2_LO R(1.90821492927058770002e-10)   /* ln 2 - ln2_hi */
  #define ROUND_MAGIC R(6755399441055744.0)      /* 1.5 * 2^52: (y + it) - it rounds y to an integer */
  DEVICE_FN REAL pow2_r(REAL n) { return LONG_AS_DOUBLE((INT64)((int)n + 1023) << 52); }
#else
  #define EXP_DEGREE 7
  #define EXP_MIN R(-87.0)
  #define LN2_HI R(0.693359375)                  /* ln 2 to 9 bits: n ln2_hi is exact */
  #define LN2_LO R(-2.12194440e-4)               /* ln 2 - ln2_hi */
  #define ROUND_MAGIC R(12582912.0)              /* 1.5 * 2^23 */
  DEVICE_FN REAL pow2_r(REAL n) { return INT_AS_FLOAT(((int)n + 127) << 23); }
#endif

DEVICE_FN REAL exp_nonpositive_r(REAL x)
{
    x = x < EXP_MIN ? EXP_MIN : x;
    const REAL n = (x * R(1.4426950408889634) + ROUND_MAGIC) - ROUND_MAGIC;   // round(x / ln 2)
    const REAL r = (x - n * LN2_HI) - n * LN2_LO;                             // x - n ln 2
    // e^r = 1 + r (1 + r (1/2! + r (1/3! + ... + r / d!)))   Horner, from the highest power
    REAL p = R(1);
    #pragma unroll
    for (int k = EXP_DEGREE; k >= 1; k--) p = R(1) + p * r * (R(1) / R(k));
    return p * pow2_r(n);
}

// |x| as a select
DEVICE_FN REAL abs_r(REAL x) { return x < R(0) ? -x : x; }

// sigmoid(x) = 1 / (1 + e^-x), in the overflow-free two-branch form of Reference/Numerics/Activations.cs
// (x >= 0: 1 / (1 + e^-x); x < 0: e^x / (1 + e^x)) with the one exponential e^-|x| both branches use,
// so that the branch is a select between two numerators
DEVICE_FN REAL sigmoid_r(REAL x)
{
    const REAL e = exp_nonpositive_r(-abs_r(x));
    const REAL s = (x >= R(0) ? R(1) : e) / (R(1) + e);
    return x != x ? x : s;                                                     // NaN stays NaN
}

// tanh(x) = sign(x) (1 - e^-2|x|) / (1 + e^-2|x|): never overflows; absolute error a few units of
// 2^-24 (float) or 2^-53 (double) (near x = 0 the relative error is larger than tanh's), as the CPU
// fast path's tanh (Reference/Fast/GateKernels.cs)
DEVICE_FN REAL tanh_r(REAL x)
{
    const REAL e = exp_nonpositive_r(R(-2) * abs_r(x));
    const REAL t = (R(1) - e) / (R(1) + e);
    return x != x ? x : x < R(0) ? -t : t;                                     // NaN stays NaN
}

// the smaller of two ints (OpenCL's min and CUDA's are different built-ins)
DEVICE_FN int min_int(int a, int b) { return a < b ? a : b; }

// max(0, x); NaN stays NaN, as the reference's Relu
DEVICE_FN REAL relu_r(REAL x) { return x <= R(0) ? R(0) : x; }

// ---- short vectors of REAL, for the micro-kernel of the packed gemm (gemm_packed.c) ----
// VW lanes of REAL, one vector register of the device: the host passes -DVW (Kernels/PackedTile.cs), 16
// floats or 8 doubles where registers are 512 bits wide (AVX-512), 8 floats or 4 doubles where they are
// 256 (AVX2). OpenCL C has vector types (float16, double4, ...) with elementwise arithmetic, which the
// compiler maps onto the machine's vector registers and FMAs; CUDA C++ has none with arithmetic, so
// there REALV is a struct of VW values and the operations are unrolled loops over its lanes.
//   REALV            the type;          VZERO()           every lane 0
//   VLOAD(p)         lanes p[0 .. VW-1] (p aligned to one REAL only);   VSTORE(v, p)   the reverse
//   VMAD(a, b, c)    a * b + c lane by lane, with a scalar a (one rounding where the device fuses it, as acc += a * b)
#ifndef VW
#error "compile with -DVW=lanes of REAL per vector register (Kernels/PackedTile.cs, KernelSource.Defines)"
#endif
#define PASTE_(a, b) a##b
#define PASTE(a, b) PASTE_(a, b)
#ifdef __OPENCL_VERSION__
  #define REALV PASTE(REAL, VW)
  #define VLOAD(p) PASTE(vload, VW)(0, (p))
  #define VSTORE(v, p) PASTE(vstore, VW)((v), 0, (p))
  #define VZERO() ((REALV)(R(0)))
  #define VMAD(a, b, c) ((REALV)(a) * (b) + (c))
#else
  struct realv { REAL v[VW]; };
  #define REALV struct realv
  DEVICE_FN REALV vzero_r() { REALV r; _Pragma("unroll") for (int i = 0; i < VW; i++) r.v[i] = R(0); return r; }
  DEVICE_FN REALV vload_r(const REAL* p) { REALV r; _Pragma("unroll") for (int i = 0; i < VW; i++) r.v[i] = p[i]; return r; }
  DEVICE_FN void vstore_r(REALV x, REAL* p) { _Pragma("unroll") for (int i = 0; i < VW; i++) p[i] = x.v[i]; }
  DEVICE_FN REALV vmad_r(REAL a, REALV b, REALV c) { _Pragma("unroll") for (int i = 0; i < VW; i++) c.v[i] = a * b.v[i] + c.v[i]; return c; }
  #define VZERO() vzero_r()
  #define VLOAD(p) vload_r(p)
  #define VSTORE(v, p) vstore_r((v), (p))
  #define VMAD(a, b, c) vmad_r((a), (b), (c))
#endif

// The work-item of a pointwise step kernel (recurrent_forward.c, recurrent_backward.c): work-item q
// takes batch row b and hidden units j0 .. j1-1, a run of `run` neighbouring ones; in_range is 0 for
// the work-items past the last run (the launch is rounded up to whole work-groups).
typedef struct { int in_range, b, j0, j1; } StepUnits;
DEVICE_FN StepUnits step_units(int B, int H, int run)
{
    const int runs = (H + run - 1) / run, q = GLOBAL_ID_X;
    StepUnits u;
    u.in_range = q < B * runs;
    u.b = q / runs;
    u.j0 = (q % runs) * run;
    u.j1 = min_int(u.j0 + run, H);
    return u;
}
