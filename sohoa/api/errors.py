"""The API's errors: always JSON `{"error": code, "message": Vietnamese text, "details": …}`."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details

    def response(self) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if self.status == 401 else None
        return JSONResponse(
            {"error": self.code, "message": self.message, "details": self.details},
            status_code=self.status,
            headers=headers,
        )


def unauthorized() -> ApiError:
    return ApiError(401, "unauthorized", "Thiếu mã truy cập hợp lệ (Authorization: Bearer …)")


def not_found(what: str = "hồ sơ") -> ApiError:
    return ApiError(404, "not_found", f"Không tìm thấy {what}")


def missing_scope(scope: str) -> ApiError:
    return ApiError(403, "forbidden", f"Mã truy cập không có quyền {scope}", {"scope": scope})


ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string", "example": "not_found"},
        "message": {"type": "string", "example": "Không tìm thấy hồ sơ"},
        "details": {},
    },
}
