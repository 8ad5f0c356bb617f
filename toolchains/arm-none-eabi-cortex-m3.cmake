# Bare-metal Cortex-M3 (ARMv7-M, no FPU), e.g. QEMU's mps2-an385:
#   cmake -S . -B build/m3 -DCMAKE_TOOLCHAIN_FILE=toolchains/arm-none-eabi-cortex-m3.cmake
set(SOCKPORT_ARM_CPU_FLAGS "-mcpu=cortex-m3 -mthumb")
# sockport's own libraries in MinSizeRel (cmake/SockportSizeFlags.cmake): on
# Thumb-2 a tail call after restoring registers (ldmia.w + b.w) is longer
# than a call and a return (bl + pop), and scheduling after register
# allocation (for speed) leaves longer code; together 0.8 % of core + port in
# fw_minimal (docs/footprint.md, "Compiler flags"). Cortex-M0+ gains nothing
# from them, so its file sets none.
set(SOCKPORT_SIZE_FLAGS_INIT "-fno-optimize-sibling-calls -fno-schedule-insns2")
include(${CMAKE_CURRENT_LIST_DIR}/arm-none-eabi-common.cmake)
