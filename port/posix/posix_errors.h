/**
 * @file
 * @brief The POSIX port's translation of native errors (errno, c-ares
 *        statuses) into sockport codes. Port-private.
 */
#ifndef SOCKPORT_POSIX_ERRORS_H
#define SOCKPORT_POSIX_ERRORS_H

/** Which call failed: a few errno values mean different things per call. */
enum sp_posix_call {
    SP_POSIX_CALL_ANY = 0, /**< no override: the general table only */
    SP_POSIX_CALL_OPEN,    /**< socket() */
    SP_POSIX_CALL_BIND,    /**< bind() */
    SP_POSIX_CALL_ACCEPT,  /**< accept() / accept4() */
    SP_POSIX_CALL_CONNECT, /**< connect() */
    SP_POSIX_CALL_SEND,    /**< send() / sendto() */
    SP_POSIX_CALL_RECV,    /**< recv() / recvfrom() / recvmsg() */
    SP_POSIX_CALL_OPTION,  /**< setsockopt() / getsockopt() */
};

/**
 * @brief Translate @p native (an errno value) that @p call failed with.
 * @return a negative SP_E* code; SP_EIO for an errno the table lacks.
 */
int sp_posix_error(enum sp_posix_call call, int native);

/**
 * @brief Translate a failed c-ares lookup's status (ARES_E*).
 * @return a negative SP_E* code; SP_EIO for a status the table lacks.
 */
int sp_posix_resolve_error(int ares_status);

#endif /* SOCKPORT_POSIX_ERRORS_H */
