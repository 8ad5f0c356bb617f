# Bare-metal Cortex-M0+ (ARMv6-M: no hardware divide, no unaligned access):
#   cmake -S . -B build/m0 -DCMAKE_TOOLCHAIN_FILE=toolchains/arm-none-eabi-cortex-m0plus.cmake
set(SOCKPORT_ARM_CPU_FLAGS "-mcpu=cortex-m0plus -mthumb")
include(${CMAKE_CURRENT_LIST_DIR}/arm-none-eabi-common.cmake)
