{
  "targets": [
    {
      # build/Release/dcgan_native.node, loaded by src/binding.ts.
      "target_name": "dcgan_native",
      "sources": [
        "csrc/addon.cc",
        "csrc/conv.cc",
        "csrc/conv_gemm.cc",
        "csrc/elementwise.cc",
        "csrc/reduce.cc",
        "csrc/transpose.cc",
        "csrc/tile.cc",
        "csrc/matmul.cc",
        "csrc/batchnorm.cc",
        "csrc/adam.cc",
        "csrc/activation_grad.cc",
        "csrc/precision.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      # -O3 vectorizes the elementwise loops; no -march=native, so the binary runs on any x86-64
      # (oneDNN picks its own ISA at run time). OpenMP matches oneDNN's own runtime (libgomp).
      # -ffp-contract=off: no fused multiply-adds, so float32 results match TF.js's op-by-op ones.
      "cflags_cc": ["-std=c++17", "-O3", "-ffp-contract=off", "-fopenmp", "-fexceptions", "-Wall", "-Wextra",
                    "-Wno-unused-parameter"],
      "libraries": ["-ldnnl", "-fopenmp"],
      # The prebuilt package (@dcgan-ts/native-linux-x64) ships libdnnl, libgomp and libOpenCL beside the addon: look
      # there first ($ORIGIN), then where the system keeps them (a source build). DT_RPATH rather than DT_RUNPATH
      # (--disable-new-dtags), because only DT_RPATH also serves the libraries' own dependencies (libdnnl needs
      # libOpenCL, which the addon does not name itself).
      "ldflags": ["-Wl,--disable-new-dtags,-rpath,'$$ORIGIN'"]
    }
  ]
}
