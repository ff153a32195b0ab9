@echo off
rem The `outbox` command of the installed app (bin\outbox.cmd beside Outbox.exe): the app's own executable in
rem CLI mode (electron/main/cli-mode.ts), with its data folder and keychain. Not ELECTRON_RUN_AS_NODE: that fuse is off.
rem A batch file waits for the program and hands on its exit code; "--" ends Electron's own switch parsing.
setlocal
"%~dp0..\Outbox.exe" --outbox-cli -- %*
exit /b %ERRORLEVEL%
