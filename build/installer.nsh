; Outbox's additions to electron-builder's NSIS installer (nsis.include in electron-builder.config.cjs).
; 1. Registers Outbox as a mail client, so Windows' Default apps lists it for mailto: (electron-builder writes
;    `protocols` for macOS, Linux and AppX only, and Windows 10/11 ignore a bare HKCU\Software\Classes\mailto
;    when a default exists): Clients\Mail\Outbox with Capabilities, RegisteredApplications, and the ProgID.
;    The user picks the default in Settings > Default apps; the installer never takes it.
; 2. Optionally puts bin\outbox.cmd (the `outbox` command) on the user's PATH.
; SHCTX is HKCU for a per-user install (the default) and HKLM when installed for all users.
; test/build/nsis-include.test.ts reads this file: keep one instruction per line.

!include LogicLib.nsh
!include WinMessages.nsh

!define OUTBOX_CLIENT_KEY "Software\Clients\Mail\Outbox"
!define OUTBOX_PROGID "Outbox.mailto"
!define OUTBOX_PROGID_KEY "Software\Classes\Outbox.mailto"
!define OUTBOX_REGISTERED_APPS "Software\RegisteredApplications"
!define OUTBOX_SETTINGS_KEY "Software\Outbox"
!define OUTBOX_BIN_DIR "$INSTDIR\bin"

; Adds (ADD=1) or removes (ADD=0) DIR in the user's PATH (HKCU\Environment), keeping every other entry as it is
; (unexpanded %VARIABLES% included). A PATH longer than NSIS can hold is left alone rather than cut short.
!macro outboxSetPathEntry DIR ADD
  Push $R0
  Push $R1
  Push $R2
  Push $R3
  Push $R4
  Push $R5
  Push $R6
  ReadRegStr $R0 HKCU "Environment" "Path"
  StrLen $R4 $R0
  IntOp $R6 ${NSIS_MAX_STRLEN} - 260
  ${If} $R4 > $R6
    DetailPrint "Your PATH is too long to change safely; add ${DIR} to it yourself."
  ${Else}
    StrCpy $R1 ""
    StrCpy $R2 ""
    StrCpy $R3 0
    ${Do}
      ${If} $R3 >= $R4
        StrCpy $R5 ";"
      ${Else}
        StrCpy $R5 $R0 1 $R3
      ${EndIf}
      ${If} $R5 == ";"
        ${If} $R2 != ""
        ${AndIf} $R2 != "${DIR}"
        ${AndIf} $R2 != "${DIR}\"
          ${If} $R1 == ""
            StrCpy $R1 $R2
          ${Else}
            StrCpy $R1 "$R1;$R2"
          ${EndIf}
        ${EndIf}
        StrCpy $R2 ""
      ${Else}
        StrCpy $R2 "$R2$R5"
      ${EndIf}
      IntOp $R3 $R3 + 1
    ${LoopUntil} $R3 > $R4
    ${If} ${ADD} == 1
      ${If} $R1 == ""
        StrCpy $R1 "${DIR}"
      ${Else}
        StrCpy $R1 "$R1;${DIR}"
      ${EndIf}
    ${EndIf}
    ${If} $R1 != $R0
      ${If} $R1 == ""
        DeleteRegValue HKCU "Environment" "Path"
      ${Else}
        WriteRegExpandStr HKCU "Environment" "Path" $R1
      ${EndIf}
      ; Explorer and new terminals pick the change up without a sign-out.
      SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
    ${EndIf}
  ${EndIf}
  Pop $R6
  Pop $R5
  Pop $R4
  Pop $R3
  Pop $R2
  Pop $R1
  Pop $R0
!macroend

!ifndef BUILD_UNINSTALLER
  !include nsDialogs.nsh

  ; "1" when the user wants the `outbox` command on their PATH; read from the last install when the page is not shown.
  Var OutboxCliOnPath
  Var OutboxCliCheckbox

  Function OutboxCliPageCreate
    ${If} $OutboxCliOnPath == ""
      ReadRegStr $OutboxCliOnPath HKCU "${OUTBOX_SETTINGS_KEY}" "CommandOnPath"
    ${EndIf}
    !insertmacro MUI_HEADER_TEXT "The outbox command" "Queue and send mail from a terminal or a script."
    nsDialogs::Create 1018
    Pop $0
    ${If} $0 == error
      Abort
    ${EndIf}
    ${NSD_CreateLabel} 0 0 100% 40u "Outbox includes the outbox command (sendmail-compatible), which uses the same accounts and outbox as the app. It can be added to your PATH so that any new terminal finds it."
    Pop $0
    ${NSD_CreateCheckbox} 0 48u 100% 12u "&Add the outbox command to my PATH"
    Pop $OutboxCliCheckbox
    ${If} $OutboxCliOnPath == "1"
      ${NSD_Check} $OutboxCliCheckbox
    ${EndIf}
    nsDialogs::Show
  FunctionEnd

  Function OutboxCliPageLeave
    ${NSD_GetState} $OutboxCliCheckbox $0
    ${If} $0 == ${BST_CHECKED}
      StrCpy $OutboxCliOnPath "1"
    ${Else}
      StrCpy $OutboxCliOnPath "0"
    ${EndIf}
  FunctionEnd
!endif

!macro customPageAfterChangeDir
  Page custom OutboxCliPageCreate OutboxCliPageLeave
!macroend

!macro customInstall
  ; The mail client, as Windows' Default apps and "Open with" know it.
  WriteRegStr SHCTX "${OUTBOX_CLIENT_KEY}" "" "Outbox"
  WriteRegStr SHCTX "${OUTBOX_CLIENT_KEY}\Capabilities" "ApplicationName" "Outbox"
  WriteRegStr SHCTX "${OUTBOX_CLIENT_KEY}\Capabilities" "ApplicationDescription" "A desktop mail outbox: write mail, and Outbox sends it when it can."
  WriteRegStr SHCTX "${OUTBOX_CLIENT_KEY}\Capabilities" "ApplicationIcon" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}",0'
  WriteRegStr SHCTX "${OUTBOX_CLIENT_KEY}\Capabilities\URLAssociations" "mailto" "${OUTBOX_PROGID}"
  WriteRegStr SHCTX "${OUTBOX_CLIENT_KEY}\DefaultIcon" "" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}",0'
  WriteRegStr SHCTX "${OUTBOX_CLIENT_KEY}\shell\open\command" "" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}"'
  WriteRegStr SHCTX "${OUTBOX_REGISTERED_APPS}" "Outbox" "${OUTBOX_CLIENT_KEY}\Capabilities"
  ; The ProgID the mailto association points at: the link comes as one argument, "%1".
  WriteRegStr SHCTX "${OUTBOX_PROGID_KEY}" "" "Outbox mailto: link"
  WriteRegStr SHCTX "${OUTBOX_PROGID_KEY}" "FriendlyTypeName" "Outbox mailto: link"
  WriteRegStr SHCTX "${OUTBOX_PROGID_KEY}" "URL Protocol" ""
  WriteRegDWORD SHCTX "${OUTBOX_PROGID_KEY}" "EditFlags" 2
  WriteRegStr SHCTX "${OUTBOX_PROGID_KEY}\DefaultIcon" "" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}",0'
  WriteRegStr SHCTX "${OUTBOX_PROGID_KEY}\shell\open\command" "" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" "%1"'
  ; SHCNE_ASSOCCHANGED: the shell rereads associations now.
  System::Call "shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)"

  ; The `outbox` command: bin\outbox.cmd ships with the app; only its folder goes on the PATH, never the app's
  ; own folder (its DLLs would then be found by other programs).
  ${If} $OutboxCliOnPath == ""
    ReadRegStr $OutboxCliOnPath HKCU "${OUTBOX_SETTINGS_KEY}" "CommandOnPath"
  ${EndIf}
  ${If} $OutboxCliOnPath == "1"
    WriteRegStr HKCU "${OUTBOX_SETTINGS_KEY}" "CommandOnPath" "1"
    !insertmacro outboxSetPathEntry "${OUTBOX_BIN_DIR}" 1
  ${Else}
    DeleteRegValue HKCU "${OUTBOX_SETTINGS_KEY}" "CommandOnPath"
    DeleteRegKey /ifempty HKCU "${OUTBOX_SETTINGS_KEY}"
    !insertmacro outboxSetPathEntry "${OUTBOX_BIN_DIR}" 0
  ${EndIf}
!macroend

!macro customUnInstall
  ; An update runs the old uninstaller first: the new installer writes everything again right after.
  ${IfNot} ${isUpdated}
    DeleteRegKey SHCTX "${OUTBOX_CLIENT_KEY}"
    DeleteRegValue SHCTX "${OUTBOX_REGISTERED_APPS}" "Outbox"
    DeleteRegKey SHCTX "${OUTBOX_PROGID_KEY}"
    System::Call "shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)"
    !insertmacro outboxSetPathEntry "${OUTBOX_BIN_DIR}" 0
    DeleteRegValue HKCU "${OUTBOX_SETTINGS_KEY}" "CommandOnPath"
    DeleteRegKey /ifempty HKCU "${OUTBOX_SETTINGS_KEY}"
  ${EndIf}
!macroend
