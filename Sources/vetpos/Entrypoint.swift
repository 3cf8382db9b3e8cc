import ArgumentParser
import POSApp

@main struct Entrypoint { static func main() async { await VetPOSCommand.main() } }
