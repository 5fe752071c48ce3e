; Inno Setup 6 script for VAE Manager (see packaging/README.md).
;
; Build the one-folder app first, then compile this script on Windows:
;   pyinstaller packaging\vae_manager.spec
;   iscc packaging\windows\vae-manager.iss
; For the build without PyTorch:
;   set VAE_MANAGER_FLAVOUR=lite && pyinstaller packaging\vae_manager.spec
;   iscc /DFlavour=lite packaging\windows\vae-manager.iss
;
; Installs per user by default (no administrator prompt); the user may choose
; all users. Opening .safetensors/.ckpt files with VAE Manager is an optional
; task, unchecked by default, and it only adds VAE Manager to "Open with":
; whatever program the user chose for those files stays the default.

#define AppName "VAE Manager"
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef Flavour
  #define Flavour "full"
#endif
#if Flavour == "lite"
  #define BundleDir "vae-manager-lite"
#else
  #define BundleDir "vae-manager"
#endif
#ifndef DistDir
  #define DistDir "..\..\dist"
#endif
#define ExeName "vae-manager.exe"
#define ProgId "VAEManager.Model"

[Setup]
AppId={{6B0F3C52-8E1D-4B7A-9C61-2F4E5A7D9B13}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=VAE Manager contributors
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#DistDir}
OutputBaseFilename=VAE-Manager-{#AppVersion}-{#Flavour}-setup
SetupIconFile=..\icons\vae-manager.ico
UninstallDisplayIcon={app}\{#ExeName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "associate"; Description: "Offer VAE Manager in ""Open with"" for .safetensors and .ckpt files"; GroupDescription: "File types:"; Flags: unchecked

[Files]
Source: "{#DistDir}\{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#ExeName}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#ExeName}"; Tasks: desktopicon

[Registry]
; Only with the "associate" task: a ProgID, and an OpenWithProgids entry per
; extension, which lists VAE Manager under "Open with" without taking over.
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "Stable Diffusion model"; Flags: uninsdeletekey; Tasks: associate
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#ExeName},0"; Tasks: associate
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#ExeName}"" ""%1"""; Tasks: associate
Root: HKA; Subkey: "Software\Classes\.safetensors\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\.ckpt\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Applications\{#ExeName}\SupportedTypes"; ValueType: string; ValueName: ".safetensors"; ValueData: ""; Flags: uninsdeletekey; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Applications\{#ExeName}\SupportedTypes"; ValueType: string; ValueName: ".ckpt"; ValueData: ""; Tasks: associate

[Run]
Filename: "{app}\{#ExeName}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
