"""The CP-SAT roster solver and the roster rules' two faces (post to the model, check a roster).

Empty until the solver issue lands.
"""
