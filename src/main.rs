fn main() -> std::process::ExitCode {
    flowsim::cli::main()
}
