//! The last line of defence for the `{code, message}` contract: any error answer under the
//! API and sign-in scopes that is not already JSON (actix's 405, a payload error from a
//! `Bytes` body, an extractor without a handler) is rewritten with the code for its status.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError as _};
use api::ErrorCode;

/// Middleware: error answers become the JSON contract; everything else passes untouched.
pub async fn json_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    // No clone of the request is held while inner services run: routing needs it unshared.
    let response = match next.call(req).await {
        Ok(response) => response,
        // An error no inner layer turned into a response: actix renders ours instead.
        Err(e) => {
            let status = e.as_response_error().status_code();
            return Err(super::ApiError::new(code_for(status)).into());
        }
    };
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(&response) {
        return Ok(response.map_into_left_body());
    }
    let (request, _) = response.into_parts();
    Ok(ServiceResponse::new(request, contract(status)).map_into_right_body())
}

fn is_json(response: &ServiceResponse<impl MessageBody>) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

fn contract(status: StatusCode) -> HttpResponse {
    let mut answer = super::ApiError::new(code_for(status)).error_response();
    // The original status stays: a 502 from a proxy-like path is still a 502.
    *answer.status_mut() = status;
    answer
}

/// The code a bare status stands for.
pub(super) fn code_for(status: StatusCode) -> ErrorCode {
    match status {
        StatusCode::UNAUTHORIZED => ErrorCode::Unauthenticated,
        StatusCode::FORBIDDEN => ErrorCode::Forbidden,
        StatusCode::NOT_FOUND => ErrorCode::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
        StatusCode::CONFLICT => ErrorCode::Conflict,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
        StatusCode::TOO_MANY_REQUESTS => ErrorCode::RateLimited,
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::BAD_GATEWAY | StatusCode::GATEWAY_TIMEOUT => {
            ErrorCode::Unavailable
        }
        s if s.is_server_error() => ErrorCode::Internal,
        _ => ErrorCode::BadRequest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::ResponseError;

    /// Every code's own status maps back to it, except the callback code (a 400 that
    /// only the WeCom callback URL answers, always as its own JSON).
    #[test]
    fn statuses_and_codes_agree() {
        for code in ErrorCode::ALL {
            if code == ErrorCode::InvalidCallback {
                continue;
            }
            let status = super::super::ApiError::new(code).status_code();
            assert_eq!(code_for(status), code, "{code:?} answers {status}");
        }
    }
}
