"""GenAuth's official Python SDK (PyPI genauth) against the devserver's GenAuth stand-in.

Run by vendor.test.mjs with one JSON argument: {url, appId, email, kind, passwords, sent}, where
`sent` maps each password to what the SDK sends for it (encrypted by jsencrypt or sm-crypto when
`kind` is rsa or sm2; the SDK passes ciphertexts through, as GenAuth's docs describe). Prints one
JSON object: what each step answered, for the test to check.
"""
import json
import sys

import requests
from genauth import AuthenticationClient

args = json.loads(sys.argv[1])
url, email, kind = args["url"], args["email"], args["kind"]
pw, sent = args["passwords"], args["sent"]
client = AuthenticationClient(app_id=args["appId"], app_host=url, token_endpoint_auth_method="none", protocol="oidc")
options = {"passwordEncryptType": kind, "scope": "openid profile offline_access"}
steps = {}


def code_of(answer):
    return [answer.get("statusCode"), answer.get("apiCode")]


steps["sign_up"] = code_of(client.sign_up_by_email_password(email, sent[pw["first"]], options={"passwordEncryptType": kind}))
signed_in = client.sign_in_by_email_password(email, sent[pw["first"]], options=options)
steps["sign_in"] = code_of(signed_in)
tokens = signed_in.get("data") or {}
client.set_access_token(tokens.get("access_token"))
profile = client.get_profile()
steps["profile_email"] = (profile.get("data") or {}).get("email")
steps["change_wrong_old"] = code_of(client.update_password(sent[pw["second"]], sent[pw["wrong"]], kind))
steps["change"] = code_of(client.update_password(sent[pw["second"]], sent[pw["first"]], kind))
steps["sign_in_old"] = code_of(client.sign_in_by_email_password(email, sent[pw["first"]], options=options))
steps["sign_in_new"] = code_of(client.sign_in_by_email_password(email, sent[pw["second"]], options=options))
refreshed = client.get_new_access_token_by_refresh_token(tokens.get("refresh_token"))
steps["refresh_has_access_token"] = bool(refreshed.get("access_token"))

steps["send_email"] = code_of(client.send_email("CHANNEL_RESET_PASSWORD", email))
mails = requests.get(f"{url}/_dev/outbox", params={"email": email}).json()
pass_code = [m for m in mails if m["kind"] == "genauth_reset_password"][-1]["token"]
steps["verify_wrong_code"] = code_of(client.verify_reset_password_request("EMAIL_PASSCODE", email_pass_code_payload={"email": email, "passCode": "000000" if pass_code != "000000" else "111111"}))
verified = client.verify_reset_password_request("EMAIL_PASSCODE", email_pass_code_payload={"email": email, "passCode": pass_code})
steps["verify"] = code_of(verified)
reset_token = (verified.get("data") or {}).get("passwordResetToken")
steps["reset_weak"] = code_of(client.reset_password(sent[pw["weak"]], reset_token, kind))
steps["reset"] = code_of(client.reset_password(sent[pw["third"]], reset_token, kind))
steps["reset_reused"] = code_of(client.reset_password(sent[pw["third"]], reset_token, kind))
steps["sign_in_after_reset"] = code_of(client.sign_in_by_email_password(email, sent[pw["third"]], options=options))
print(json.dumps(steps))
