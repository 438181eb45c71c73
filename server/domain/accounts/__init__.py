"""Accounts and their sessions: sign-in tokens (idle timeout, revocation), passwords, roles, deactivation.

Nothing is imported here: `server.domain.users` imports `tokens`, and the action modules import `users`.
"""
