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


def validation_error(exc) -> ApiError:
    """A path, query or body value of the wrong type or out of range (FastAPI's validation)."""
    from fastapi.encoders import jsonable_encoder

    details = jsonable_encoder(exc.errors(), exclude={"input", "ctx"})
    return ApiError(422, "validation_error", "Tham số không hợp lệ", details)


def routing_error(request, status: int, headers: dict[str, str] | None = None) -> JSONResponse:
    """No API operation at this path (404) or not with this method (405, with `Allow`)."""
    if status == 405:
        allow = (headers or {}).get("Allow") or (headers or {}).get("allow")
        error = ApiError(
            405,
            "method_not_allowed",
            f"Phương thức {request.method} không được phép ở địa chỉ này",
            {"method": request.method, "allowed": allow.split(", ") if allow else []},
        )
    elif status == 404:
        error = ApiError(
            404, "not_found", "Không có thao tác API nào ở địa chỉ này", {"path": request.url.path}
        )
    else:
        error = ApiError(status, "error", "Yêu cầu không thực hiện được")
    response = error.response()
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


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
