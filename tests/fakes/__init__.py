"""In-process fakes of AWS Certificate Manager and the Port API.

They are independent checks of port-acm: written in Python from the
services' public documentation, verifying SigV4 with botocore and request
bodies with botocore's ACM model, so they cannot share a bug with the
C code. See common.py (server, faults), fake_acm.py, fake_port.py and
tlsca.py (test certificates).
"""
