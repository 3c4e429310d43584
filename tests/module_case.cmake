# Tests of the case module.
