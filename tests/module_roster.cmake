# Tests of the roster module.
