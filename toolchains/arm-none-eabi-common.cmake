# Shared part of the bare-metal arm-none-eabi toolchain files. A per-CPU file
# sets SOCKPORT_ARM_CPU_FLAGS and includes this one.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_AR arm-none-eabi-ar CACHE FILEPATH "")
set(CMAKE_RANLIB arm-none-eabi-ranlib CACHE FILEPATH "")
set(CMAKE_OBJCOPY arm-none-eabi-objcopy CACHE FILEPATH "")
set(CMAKE_SIZE arm-none-eabi-size CACHE FILEPATH "")

# There is no OS to run a test executable, and linking one needs a board's
# startup code and linker script, so CMake's compiler checks build a library.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# Each function and object in its own section lets --gc-sections drop what a
# firmware does not use. The C library variant (newlib or newlib-nano, via
# --specs) is the board's choice per firmware: see boards/*/CMakeLists.txt.
# These are the *_INIT values: a -DCMAKE_C_FLAGS=... on the command line
# replaces them, so it must repeat the CPU flags.
set(CMAKE_C_FLAGS_INIT "${SOCKPORT_ARM_CPU_FLAGS} -ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "${SOCKPORT_ARM_CPU_FLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${SOCKPORT_ARM_CPU_FLAGS} -Wl,--gc-sections")

# Look for libraries and headers in the cross sysroot only, programs on the host.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
