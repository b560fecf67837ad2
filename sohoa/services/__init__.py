"""The services both front doors (CLI and web) call: plain arguments in, plain typed data out.

A service never prints, exits or renders; each module is named after its subject.
"""
