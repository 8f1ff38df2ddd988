/* libgreet: the C library of examples/clib. */
const char *greet_message(void);
