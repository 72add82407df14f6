"""The product over HTTP: FastAPI + SQLModel, persistence, roles and background jobs.

Empty until the API issue lands.
"""
