import ArgumentParser
import CurlHTTP
import Interchange

/// `relayctl sessions`: the relay's session table from its admin endpoint (/debug/sessions).
struct SessionListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions", abstract: "List a relay's sessions (from its admin HTTP /debug/sessions).")

    @Option(help: "The relay's admin base URL, e.g. http://127.0.0.1:9090.")
    var admin: String

    @Flag(help: "Print the JSON document as the relay returned it.")
    var json = false

    @Option(help: "HTTP timeout, e.g. 5s.")
    var timeout = DurationArgument(argument: "5s")!

    func validate() throws {
        guard admin.hasPrefix("http://") || admin.hasPrefix("https://") else {
            throw ValidationError("--admin must be an http:// or https:// URL, e.g. http://127.0.0.1:9090")
        }
    }

    func run() async throws {
        await reportingErrors {
            let base = admin.hasSuffix("/") ? String(admin.dropLast()) : admin
            let url = base + "/debug/sessions"
            let client = HTTPClient()
            let response: HTTPResponse
            do {
                response = try await client.send(HTTPRequest(url: url, timeout: timeout.duration))
            } catch {
                throw CLIError("cannot fetch \(url): \(error); is relay-server's admin listener at \(admin)?")
            }
            guard response.status == 200 else {
                let text = String(decoding: response.body.prefix(300), as: UTF8.self)
                throw CLIError("\(url) answered HTTP \(response.status): \(text)")
            }
            if json {
                print(String(decoding: response.body, as: UTF8.self))
                return
            }
            let document: JSONValue
            do { document = try JSONValue.parse(json: response.body) } catch {
                throw CLIError("\(url) did not return JSON: \(error)")
            }
            print(SessionListing(document).render())
        }
    }
}
