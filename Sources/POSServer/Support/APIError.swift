import Foundation
import HTTPTypes
import Hummingbird
import POSCore
import POSStorage

/// A failure as the API reports it: a status and one line saying what went wrong and where.
public struct APIError: Error, Sendable, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let message: String
    /// Extra headers, such as `Retry-After` on a throttled sign-in.
    public let headers: HTTPFields

    public init(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
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
            case .invalid: return APIError(.badRequest, error.description)
            case .notFound: return APIError(.notFound, error.description)
            case .authenticationFailed: return APIError(.unauthorized, error.description)
            case .notPermitted, .approvalRequired: return APIError(.forbidden, error.description)
            case .conflict: return APIError(.conflict, error.description)
            case .throttled(_, let seconds):
                return APIError(.tooManyRequests, error.description, headers: [.retryAfter: String(seconds)])
            }
        default:
            if let full = StoreErrors.diskFull(error) { return APIError(.serviceUnavailable, full) }
            if let refusal = StoreErrors.refusal(error) {
                return APIError(.conflict, "the database refused the change: \(refusal)")
            }
            return APIError(.internalServerError, "internal error; the server log has the details")
        }
    }
}
