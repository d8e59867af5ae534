// portable.h: the few macros that let one kernel source compile both as OpenCL C (clBuildProgram)
// and as CUDA C++ (NVRTC; clang -x cuda for the PTX check). The host puts this file in front of
// every kernel file and compiles with -DREAL=float or -DREAL=double (and the GEMM tile sizes).
//
// Rules for the kernel files: REAL for every floating value; literals through R(...) so float
// code never promotes to double; math through R_EXP / R_TANH; buffers indexed with an explicit
// element offset (OpenCL buffers cannot be offset on the host side).
#ifndef REAL
#error "compile with -DREAL=float or -DREAL=double"
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
  #define GLOBAL_ID_X ((int)get_global_id(0))
  #define GLOBAL_ID_Y ((int)get_global_id(1))
  #define GROUP_ID_X ((int)get_group_id(0))
  #define GROUP_ID_Y ((int)get_group_id(1))
  #define LOCAL_ID_X ((int)get_local_id(0))
  #define LOCAL_ID_Y ((int)get_local_id(1))
  // exp and tanh are overloaded in OpenCL C: a float argument stays float
  #define R_EXP(x) exp(x)
  #define R_TANH(x) tanh(x)
#else
  #define KERNEL extern "C" __global__
  #define GLOBAL
  #define LOCAL_MEM __shared__
  #define SYNC() __syncthreads()
  #define DEVICE_FN __device__ inline
  #define GLOBAL_ID_X ((int)(blockIdx.x * blockDim.x + threadIdx.x))
  #define GLOBAL_ID_Y ((int)(blockIdx.y * blockDim.y + threadIdx.y))
  #define GROUP_ID_X ((int)blockIdx.x)
  #define GROUP_ID_Y ((int)blockIdx.y)
  #define LOCAL_ID_X ((int)threadIdx.x)
  #define LOCAL_ID_Y ((int)threadIdx.y)
  // C++ overloads pick expf / tanhf for float, exp / tanh for double
  DEVICE_FN float r_exp(float x) { return expf(x); }
  DEVICE_FN double r_exp(double x) { return exp(x); }
  DEVICE_FN float r_tanh(float x) { return tanhf(x); }
  DEVICE_FN double r_tanh(double x) { return tanh(x); }
  #define R_EXP(x) r_exp(x)
  #define R_TANH(x) r_tanh(x)
#endif

#define R(x) ((REAL)(x))

// sigmoid 1 / (1 + e^-x), evaluated so that e^|x| never overflows (as Reference/Numerics/Activations.cs)
DEVICE_FN REAL sigmoid_r(REAL x)
{
    if (x >= R(0)) return R(1) / (R(1) + R_EXP(-x));
    REAL e = R_EXP(x);
    return e / (R(1) + e);
}

// max(0, x); NaN stays NaN, as the reference's Relu
DEVICE_FN REAL relu_r(REAL x) { return x <= R(0) ? R(0) : x; }
