fn main() -> std::process::ExitCode {
    rpcforge::cli::main()
}
