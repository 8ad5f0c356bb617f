# Warning flags every sockport target builds with: C11, -Wall -Wextra -Werror,
# with gcc, clang and arm-none-eabi-gcc alike.
add_library(sockport_warnings INTERFACE)
target_compile_options(sockport_warnings INTERFACE
  -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
  -Wpointer-arith -Wcast-align -Wundef -Wformat=2)
