from server.infra import auth


def test_passwords_hash_with_argon2id_and_verify() -> None:
    hashed = auth.hash_password("s3cret pass")
    assert hashed.startswith("$argon2id$")
    assert auth.verify_password(hashed, "s3cret pass")
    assert not auth.verify_password(hashed, "S3cret pass")
    assert not auth.verify_password(None, "anything")
    assert not auth.verify_password("not a hash", "anything")


def test_tokens_are_random_and_stored_as_digests() -> None:
    token = auth.new_token()
    assert len(token) >= 43
    assert token != auth.new_token()
    assert auth.token_digest(token) != token
    assert len(auth.token_digest(token)) == 64
