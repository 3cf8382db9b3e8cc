import Foundation
import HTTPTypes
import Hummingbird
import POSCore
import POSStorage

/// A failure as the API reports it: a status and one line saying what went wrong and where.
public struct APIError: Error, Sendable, CustomStringConvertible {
    public let status: HTTPResponse.Status
    /// The stable code programs rely on (``POSError/code``); the message's wording may change.
    public let code: String
    public let message: String
    /// Where in the request the problem is (`payments[1].idNumber`, `query from`, `Idempotency-Key header`), if one place.
    public let field: String?
    /// Extra headers, such as `Retry-After` on a throttled sign-in.
    public let headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status,
        _ message: String,
        code: String,
        field: String? = nil,
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers
    }

    /// A refusal of the stored operations, with its code and field.
    init(_ status: HTTPResponse.Status, _ error: POSError, headers: HTTPFields = [:]) {
        self.init(status, error.description, code: error.code, field: error.field, headers: headers)
    }

    public var description: String { "\(status.code) \(message)" }

    /// The HTTP form of any error: the same mapping the CLI uses for its exit statuses.
    /// Invalid input and unknown records are 400/404, refused sign-ins 401, missing permissions or approvals 403,
    /// conflicts with the stored state 409, too many wrong PINs 429 with `Retry-After`. Anything else is a 500 with no details (they go to the log).
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError: return error
        case let error as POSError:
            switch error {
            case .invalid: return APIError(.badRequest, error)
            case .notFound: return APIError(.notFound, error)
            case .authenticationFailed: return APIError(.unauthorized, error)
            case .notPermitted, .approvalRequired: return APIError(.forbidden, error)
            case .conflict: return APIError(.conflict, error)
            case .throttled(_, let seconds):
                return APIError(.tooManyRequests, error, headers: [.retryAfter: String(seconds)])
            }
        default:
            if let full = StoreErrors.diskFull(error) {
                return APIError(.serviceUnavailable, full, code: "storage.full")
            }
            if let refusal = StoreErrors.refusal(error) {
                return APIError(.conflict, "the database refused the change: \(refusal)", code: "storage.refused")
            }
            return APIError(.internalServerError, "internal error; the server log has the details", code: "internal")
        }
    }
}
