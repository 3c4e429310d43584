# Tests of the pay module.
