# wolfSSL (Debian's 5.5.4 source in third_party/wolfssl, unmodified) as the
# static library sockport_wolfssl, configured by core/tls/wolfssl/user_settings.h
# alone (WOLFSSL_USER_SETTINGS): no configure script, no generated options.h.
# Also included by the board's firmware project: paths from this file's place.
get_filename_component(_sockport_wolfssl_root "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(WOLFSSL_DIR "${_sockport_wolfssl_root}/third_party/wolfssl" CACHE PATH
    "A wolfSSL 5.5 source tree; scripts/setup.sh puts Debian's here")
if(NOT EXISTS "${WOLFSSL_DIR}/wolfssl/ssl.h")
  message(FATAL_ERROR "SOCKPORT_TLS_BACKEND=wolfssl but WOLFSSL_DIR=${WOLFSSL_DIR} holds no wolfSSL: "
                      "run scripts/setup.sh or pass -DWOLFSSL_DIR=<wolfssl source tree>")
endif()
if(NOT TARGET sockport_wolfssl)
  # ssl.c #includes bio.c, conf.c, pk.c, x509.c and x509_str.c itself.
  set(_wolfssl_sources src/internal.c src/keys.c src/ssl.c src/tls.c src/tls13.c src/wolfio.c)
  foreach(f aes asn chacha chacha20_poly1305 coding ecc error hash hmac kdf logging memory
            poly1305 random rsa sha sha256 sha512 signature sp_int wc_encrypt wc_port wolfmath)
    list(APPEND _wolfssl_sources wolfcrypt/src/${f}.c)
  endforeach()
  list(TRANSFORM _wolfssl_sources PREPEND "${WOLFSSL_DIR}/")
  add_library(sockport_wolfssl STATIC ${_wolfssl_sources})
  target_include_directories(sockport_wolfssl SYSTEM PUBLIC "${_sockport_wolfssl_root}/core/tls/wolfssl"
                             "${WOLFSSL_DIR}")
  target_compile_definitions(sockport_wolfssl PUBLIC WOLFSSL_USER_SETTINGS)
  # wolfSSL is not ours to fix: its own dialect, optimised even in Debug builds.
  set_target_properties(sockport_wolfssl PROPERTIES C_STANDARD 99 C_EXTENSIONS ON)
  target_compile_options(sockport_wolfssl PRIVATE -O2 -w)
endif()
