# Tests of the eval module.
