use std::process::ExitCode;

fn main() -> ExitCode {
    dailydrill::cli::main()
}
