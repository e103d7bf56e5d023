"""A lean SSM Parameter Store reader for the Slack ingress: GetParameter, decrypted, standard library only.

SSM speaks AWS JSON 1.1 (X-Amz-Target: AmazonSSM.GetParameter) over `bot.aws.client`.
"""

from __future__ import annotations

from bot.aws.client import AwsJsonClient
from bot.aws.errors import AwsCallFailed

__all__ = ["AwsCallFailed", "SsmClient"]


class SsmClient(AwsJsonClient):
    signing_name = "ssm"
    target_prefix = "AmazonSSM"
    endpoint_env = "SSM"
    label = "SSM"
    json_version = "1.1"

    def __enter__(self) -> SsmClient:
        return self

    def get_parameter(self, name: str, *, deadline: float | None = None) -> str:
        """The parameter's value, SecureStrings decrypted; AwsCallFailed (ParameterNotFound...) otherwise."""
        answer = self.call("GetParameter", {"Name": name, "WithDecryption": True}, deadline=deadline)
        parameter = answer.get("Parameter")
        value = parameter.get("Value") if isinstance(parameter, dict) else None
        if not isinstance(value, str):
            raise AwsCallFailed("InvalidResponse", f"GetParameter {name} answered without a value", None, 1,
                                operation="SSM GetParameter")
        return value
