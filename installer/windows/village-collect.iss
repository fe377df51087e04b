; 村医保代收 (Village Collect): the Windows installer, Inno Setup 6.3 or later.
;
; Build the bundle on Windows first (docs/INSTALL.md), then, from the repository's root:
;     iscc installer\windows\village-collect.iss
; The installer is written to dist\village-collect-<version>-setup.exe. The version is read
; from vcollect.exe's version resource (the spec writes it from app.__version__); pass
; /DAppVersion=x.y.z to override it.
;
; Installs the one-folder bundle into {autopf}\VillageCollect (C:\Program Files\VillageCollect),
; with shortcuts named 村医保代收 in the Start menu and on the desktop. The user's data is not
; here but in %LOCALAPPDATA%\village-collect (database, keys, backups; logs in its Logs
; folder): the uninstaller removes only the program, and a newer version installed over an
; older one keeps the data, which the app migrates at its next start after taking a backup.

#define Bundle AddBackslash(SourcePath) + "..\..\dist\village-collect"
#define GuiExe "village-collect.exe"
#define AppName "村医保代收"

#if !FileExists(Bundle + "\" + GuiExe)
  #error The bundle is missing: run "pyinstaller installer\village-collect.spec" first.
#endif
#ifndef AppVersion
  #define AppVersion GetStringFileInfo(Bundle + "\vcollect.exe", "ProductVersion")
#endif

[Setup]
; The AppId identifies the app across versions: never change it, or upgrades install twice.
AppId={{6F0C2A51-3B7E-4D7A-9C1E-5A2F8E4B9D10}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=村医保代收 Village Collect
DefaultDirName={autopf}\VillageCollect
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UninstallDisplayName={#AppName}
UninstallDisplayIcon={app}\{#GuiExe}
OutputDir={#SourcePath}..\..\dist
OutputBaseFilename=village-collect-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Qt 6 runs on Windows 10 and later.
MinVersion=10.0
PrivilegesRequired=admin
; An upgrade closes a running desk first (the app backs up on exit).
CloseApplications=yes
RestartApplications=no

[Languages]
; ChineseSimplified.isl is one of Inno Setup's unofficial translations: it is used when it is
; in the compiler's Languages folder or next to this script; otherwise the installer speaks
; English (the app itself is Chinese either way).
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "{#SourcePath}ChineseSimplified.isl"
#else
Name: "english"; MessagesFile: "compiler:Default.isl"
#endif

[CustomMessages]
DesktopIcon=在桌面创建快捷方式
LaunchApp=启动村医保代收

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; The previous version's program files (not the data, which is elsewhere): no stale module
; of an older bundle is left to be loaded by the new one.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#GuiExe}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#GuiExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#GuiExe}"; Description: "{cm:LaunchApp}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the program itself may leave in its folder; %LOCALAPPDATA%\village-collect (the
; database, its keys and backups) is never touched.
Type: filesandordirs; Name: "{app}\_internal"

[INI]
; The county server's address for every laptop of a county: setup.exe /SERVER=https://10.0.0.5:8750
; (with /VERYSILENT for a deployment tool) writes it beside the program, where the first run's
; wizard reads it (app/site_defaults.py) so agents type only their code. Without /SERVER the
; file is left as it is: an upgrade keeps the address an earlier install wrote.
Filename: "{app}\village-collect.ini"; Section: "county"; Key: "server"; String: "{param:SERVER}"; Check: ServerGiven

[Code]
function ServerGiven: Boolean;
begin
  Result := ExpandConstant('{param:SERVER}') <> '';
end;
