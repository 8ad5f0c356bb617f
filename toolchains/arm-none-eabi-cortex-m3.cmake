# Bare-metal Cortex-M3 (ARMv7-M, no FPU), e.g. QEMU's mps2-an385:
#   cmake -S . -B build/m3 -DCMAKE_TOOLCHAIN_FILE=toolchains/arm-none-eabi-cortex-m3.cmake
set(SOCKPORT_ARM_CPU_FLAGS "-mcpu=cortex-m3 -mthumb")
include(${CMAKE_CURRENT_LIST_DIR}/arm-none-eabi-common.cmake)
