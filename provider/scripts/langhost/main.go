// pulumi-language-python: a small Python language host for the Pulumi CLI, built by
// provider/scripts/build_engine.sh.
//
// Why it exists: the upstream host lives in its own Go module
// (github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3) that has no tags, and the
// Go module proxy reachable from this project's machines refuses it (403 "This module version is
// not available") for every version, commit and @master. Everything the host needs besides its
// main package is in github.com/pulumi/pulumi/sdk/v3 at the CLI's exact version: the gRPC
// protocol (proto/go), the Python toolchains pip/poetry/uv (python/toolchain) and the Python entry
// script pulumi-language-python-exec (sdk/v3/python/cmd), so this file only wires them together.
//
// What it does, as the upstream host does:
//   - serves pulumirpc.LanguageRuntime on 127.0.0.1:<random> and prints the port on stdout;
//   - Run: resolves the toolchain from Pulumi.yaml `runtime.options` (toolchain, virtualenv,
//     typechecker), creates the virtualenv if the option names one that does not exist yet, then
//     runs `python -u pulumi-language-python-exec --monitor ... <program>` with PULUMI_CONFIG and
//     PULUMI_CONFIG_SECRET_KEYS set; exit code 32 means "error already shown" (bail);
//   - GetRequiredPackages/GetRequiredPlugins: installed `pulumi-*` distributions and packages that
//     carry a pulumi-plugin.json, like upstream (so the CLI sees the same plugin requirements);
//   - InstallDependencies (pulumi install), About, GetProgramDependencies, RunPlugin, Handshake,
//     GetPluginInfo, Cancel.
//
// Not implemented (the CLI answers "unimplemented" for them): code generation (GenerateProgram,
// GenerateProject, GeneratePackage), Pack, Link, Template beyond a no-op.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Set with -ldflags "-X main.version=...".
var version = "dev"

const (
	execScriptName = "pulumi-language-python-exec"
	// The exec script exits with this code after it has already shown an error to the user.
	exitCodeUserActionable = 32
)

func main() {
	flags := flag.NewFlagSet("pulumi-language-python", flag.ContinueOnError)
	tracing := flags.String("tracing", "", "Emit tracing to a Zipkin-compatible tracing endpoint")
	useExecutor := flags.String("use-executor", "", "Use the given program as the executor")
	// Accepted for compatibility with older CLIs, which passed runtime options as flags.
	virtualenv := flags.String("virtualenv", "", "Virtual environment path to use")
	root := flags.String("root", "", "Project root path to use")
	typechecker := flags.String("typechecker", "", "Type checker to use")
	toolchainFlag := flags.String("toolchain", "", "Python toolchain to use")
	if err := flags.Parse(os.Args[1:]); err != nil {
		fatalf("%v", err)
	}

	executor := *useExecutor
	if executor == "" {
		var err error
		executor, err = findExecScript()
		if err != nil {
			fatalf("%v", err)
		}
	}

	host := &languageHost{
		exec:    executor,
		tracing: *tracing,
		legacyOptions: map[string]any{
			"virtualenv":  *virtualenv,
			"typechecker": *typechecker,
			"toolchain":   *toolchainFlag,
		},
		legacyRoot: *root,
	}
	if flags.NArg() > 0 {
		host.engineAddress = flags.Arg(0)
	}

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		fatalf("could not start language host RPC server: %v", err)
	}

	// The CLI reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)

	if err := <-handle.Done; err != nil {
		fatalf("language host RPC stopped serving: %v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "pulumi-language-python: "+format+"\n", args...)
	os.Exit(1)
}

// findExecScript looks for pulumi-language-python-exec next to this binary (following
// symlinks), then on PATH.
func findExecScript() (string, error) {
	if self, err := os.Executable(); err == nil {
		candidates := []string{filepath.Join(filepath.Dir(self), execScriptName)}
		if real, err := filepath.EvalSymlinks(self); err == nil {
			candidates = append(candidates, filepath.Join(filepath.Dir(real), execScriptName))
		}
		for _, c := range candidates {
			if _, err := os.Stat(c); err == nil {
				return c, nil
			}
		}
	}
	if p, err := exec.LookPath(execScriptName); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("missing executor %s (expected next to the language host or on PATH)", execScriptName)
}

type languageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	exec          string
	tracing       string
	legacyOptions map[string]any
	legacyRoot    string

	mu            sync.Mutex
	engineAddress string
}

func (h *languageHost) engine() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engineAddress
}

// pythonOptions turns the ProgramInfo of a request into toolchain options.
func (h *languageHost) pythonOptions(info *pulumirpc.ProgramInfo) (toolchain.PythonOptions, error) {
	opts := map[string]any{}
	for k, v := range h.legacyOptions {
		if s, ok := v.(string); ok && s != "" {
			opts[k] = s
		}
	}
	root, programDir := h.legacyRoot, ""
	if info != nil {
		root, programDir = info.GetRootDirectory(), info.GetProgramDirectory()
		if info.GetOptions() != nil {
			for k, v := range info.GetOptions().AsMap() {
				opts[k] = v
			}
		}
	}
	if root == "" {
		root, _ = os.Getwd()
	}
	if programDir == "" {
		programDir = root
	}

	result := toolchain.PythonOptions{Root: root, ProgramDir: programDir}
	if v, ok := opts["virtualenv"]; ok {
		s, ok := v.(string)
		if !ok {
			return result, errors.New("virtualenv option must be a string")
		}
		result.Virtualenv = s
	}
	if v, ok := opts["typechecker"]; ok {
		switch v {
		case "", nil:
		case "mypy":
			result.Typechecker = toolchain.TypeCheckerMypy
		case "pyright":
			result.Typechecker = toolchain.TypeCheckerPyright
		default:
			return result, fmt.Errorf("unsupported typechecker option: %v", v)
		}
	}
	if v, ok := opts["toolchain"]; ok {
		switch v {
		case "", nil:
		case "pip":
			result.Toolchain = toolchain.Pip
		case "poetry":
			result.Toolchain = toolchain.Poetry
		case "uv":
			result.Toolchain = toolchain.Uv
		default:
			return result, fmt.Errorf("unsupported toolchain option: %v", v)
		}
	}
	return result, nil
}

func (h *languageHost) toolchainFor(info *pulumirpc.ProgramInfo) (toolchain.Toolchain, toolchain.PythonOptions, error) {
	opts, err := h.pythonOptions(info)
	if err != nil {
		return nil, opts, err
	}
	tc, err := toolchain.ResolveToolchain(opts)
	return tc, opts, err
}

func envOf(cmd *exec.Cmd) []string {
	if cmd.Env != nil {
		return cmd.Env
	}
	return os.Environ()
}

func (h *languageHost) Handshake(
	ctx context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	h.engineAddress = req.GetEngineAddress()
	h.mu.Unlock()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *languageHost) GetPluginInfo(ctx context.Context, _ *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (h *languageHost) Cancel(ctx context.Context, _ *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (h *languageHost) RuntimeOptionsPrompts(
	ctx context.Context, req *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *languageHost) Template(ctx context.Context, req *pulumirpc.TemplateRequest) (*pulumirpc.TemplateResponse, error) {
	return &pulumirpc.TemplateResponse{}, nil
}

func (h *languageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	tc, opts, err := h.toolchainFor(req.GetInfo())
	if err != nil {
		return nil, err
	}
	// Like upstream: a `virtualenv` option naming a missing directory creates it and installs
	// requirements.txt into it. Output goes to our stdout/stderr, which the CLI shows.
	if err := tc.EnsureVenv(ctx, opts.ProgramDir, false, true, os.Stdout, os.Stderr); err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	if err := tc.ValidateVenv(ctx); err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	if opts.Typechecker != toolchain.TypeCheckerNone {
		module := map[bool]string{true: "mypy", false: "pyright"}[opts.Typechecker == toolchain.TypeCheckerMypy]
		cmd, err := tc.ModuleCommand(ctx, module, opts.ProgramDir)
		if err != nil {
			return nil, err
		}
		cmd.Dir = opts.ProgramDir
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("%s failed: %v", module, err)}, nil
		}
	}

	args := []string{"-u", h.exec}
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	engine := h.engine()
	add("monitor", req.GetMonitorAddress())
	add("engine", engine)
	add("project", req.GetProject())
	add("root_directory", opts.Root)
	add("stack", req.GetStack())
	add("pwd", req.GetPwd())
	add("dry_run", strconv.FormatBool(req.GetDryRun()))
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	add("tracing", h.tracing)
	add("organization", req.GetOrganization())
	program := req.GetProgram()
	if program == "" {
		program = "."
	}
	args = append(args, program)
	args = append(args, req.GetArgs()...)

	cmd, err := tc.Command(ctx, args...)
	if err != nil {
		return nil, err
	}
	env := envOf(cmd)
	if req.GetConfig() != nil {
		b, err := json.Marshal(req.GetConfig())
		if err != nil {
			return nil, fmt.Errorf("failed to serialize configuration: %w", err)
		}
		env = append(env, "PULUMI_CONFIG="+string(b))
	}
	if keys := req.GetConfigSecretKeys(); keys != nil {
		b, err := json.Marshal(keys)
		if err != nil {
			return nil, fmt.Errorf("failed to serialize secret configuration keys: %w", err)
		}
		env = append(env, "PULUMI_CONFIG_SECRET_KEYS="+string(b))
	}
	cmd.Env = env
	if req.GetPwd() != "" {
		cmd.Dir = req.GetPwd()
	}
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr

	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			code := exitErr.ExitCode()
			if code == exitCodeUserActionable {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("Program exited with non-zero exit code: %d", code),
			}, nil
		}
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("Problem executing program (could not run language executor): %v", err),
		}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// A Python script that lists installed distributions that may need a resource plugin: their
// name, version, and the content of <module>/pulumi-plugin.json (or the legacy pulumiplugin.json).
const listPulumiPackagesPy = `
import json, sys
from importlib import metadata
out, seen = [], set()
for dist in metadata.distributions():
    name = (dist.metadata["Name"] or "").strip()
    norm = name.lower().replace("_", "-").replace(".", "-")
    if not norm or norm in seen:
        continue
    seen.add(norm)
    module = norm.replace("-", "_")
    plugin = None
    for fname in ("pulumi-plugin.json", "pulumiplugin.json"):
        try:
            path = dist.locate_file(module + "/" + fname)
            with open(path, encoding="utf-8") as f:
                plugin = f.read()
            break
        except OSError:
            pass
    if plugin is not None or norm.startswith("pulumi-"):
        out.append({"name": norm, "version": dist.version, "plugin": plugin})
json.dump(out, sys.stdout)
`

type pulumiPluginJSON struct {
	Resource         bool   `json:"resource"`
	Name             string `json:"name"`
	Version          string `json:"version"`
	Server           string `json:"server"`
	Parameterization *struct {
		Name    string `json:"name"`
		Version string `json:"version"`
		Value   []byte `json:"value"`
	} `json:"parameterization"`
}

// Distributions that are known to have no plugin.
var packagesWithoutPlugins = map[string]bool{"pulumi-policy": true}

var plainVersion = regexp.MustCompile(`^v?\d+\.\d+\.\d+$`)

func (h *languageHost) requiredPackages(ctx context.Context, info *pulumirpc.ProgramInfo) ([]*pulumirpc.PackageDependency, error) {
	tc, _, err := h.toolchainFor(info)
	if err != nil {
		return nil, err
	}
	if err := tc.ValidateVenv(ctx); err != nil {
		// No virtualenv yet: Run will create it. Nothing to report now.
		return nil, nil
	}
	cmd, err := tc.Command(ctx, "-c", listPulumiPackagesPy)
	if err != nil {
		return nil, err
	}
	if info != nil && info.GetProgramDirectory() != "" {
		cmd.Dir = info.GetProgramDirectory()
	}
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("listing Python packages: %w", err)
	}
	var dists []struct {
		Name    string  `json:"name"`
		Version string  `json:"version"`
		Plugin  *string `json:"plugin"`
	}
	if err := json.Unmarshal(out, &dists); err != nil {
		return nil, fmt.Errorf("parsing the Python package list: %w", err)
	}

	var deps []*pulumirpc.PackageDependency
	for _, d := range dists {
		var meta pulumiPluginJSON
		if d.Plugin != nil {
			if err := json.Unmarshal([]byte(*d.Plugin), &meta); err != nil {
				return nil, fmt.Errorf("parsing pulumi-plugin.json of %s: %w", d.Name, err)
			}
			if !meta.Resource {
				continue
			}
		} else if packagesWithoutPlugins[d.Name] {
			continue
		}
		name := meta.Name
		if name == "" {
			name = strings.TrimPrefix(d.Name, "pulumi-")
		}
		ver := meta.Version
		if ver == "" {
			// Only plain X.Y.Z package versions map to a plugin version (upstream skips the rest).
			if !plainVersion.MatchString(d.Version) {
				continue
			}
			ver = d.Version
		}
		if !strings.HasPrefix(ver, "v") {
			ver = "v" + ver
		}
		dep := &pulumirpc.PackageDependency{Name: name, Kind: "resource", Version: ver, Server: meta.Server}
		if p := meta.Parameterization; p != nil {
			dep.Parameterization = &pulumirpc.PackageParameterization{Name: p.Name, Version: p.Version, Value: p.Value}
		}
		deps = append(deps, dep)
	}
	return deps, nil
}

func (h *languageHost) GetRequiredPackages(
	ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	deps, err := h.requiredPackages(ctx, req.GetInfo())
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: deps}, nil
}

func (h *languageHost) GetRequiredPlugins(
	ctx context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	deps, err := h.requiredPackages(ctx, req.GetInfo())
	if err != nil {
		return nil, err
	}
	var plugins []*pulumirpc.PluginDependency
	for _, d := range deps {
		if d.Parameterization != nil {
			continue
		}
		plugins = append(plugins, &pulumirpc.PluginDependency{
			Name: d.Name, Kind: d.Kind, Version: d.Version, Server: d.Server,
		})
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

func (h *languageHost) GetProgramDependencies(
	ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	tc, _, err := h.toolchainFor(req.GetInfo())
	if err != nil {
		return nil, err
	}
	if err := tc.ValidateVenv(ctx); err != nil {
		return nil, err
	}
	pkgs, err := tc.ListPackages(ctx, req.GetTransitiveDependencies())
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.GetProgramDependenciesResponse{}
	for _, p := range pkgs {
		resp.Dependencies = append(resp.Dependencies, &pulumirpc.DependencyInfo{Name: p.Name, Version: p.Version})
	}
	return resp, nil
}

func (h *languageHost) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	tc, _, err := h.toolchainFor(req.GetInfo())
	if err != nil {
		return nil, err
	}
	info, err := tc.About(ctx)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{
		Executable: info.PythonExecutable,
		Version:    info.PythonVersion.String(),
		Metadata:   map[string]string{"langhost": "pulumi-engine-build " + version},
	}, nil
}

// streamWriter sends what is written to it as one kind of stream message.
type streamWriter struct {
	mu   *sync.Mutex
	send func([]byte) error
}

func (w streamWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	b := append([]byte(nil), p...)
	if err := w.send(b); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (h *languageHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	tc, opts, err := h.toolchainFor(req.GetInfo())
	if err != nil {
		return err
	}
	dir := req.GetDirectory()
	if dir == "" {
		dir = opts.ProgramDir
	}
	var mu sync.Mutex
	stdout := streamWriter{&mu, func(b []byte) error {
		return server.Send(&pulumirpc.InstallDependenciesResponse{Stdout: b})
	}}
	stderr := streamWriter{&mu, func(b []byte) error {
		return server.Send(&pulumirpc.InstallDependenciesResponse{Stderr: b})
	}}
	if req.GetIsPlugin() {
		return tc.InstallPackage(server.Context(), dir, req.GetUseLanguageVersionTools(), true, stdout, stderr)
	}
	return tc.InstallDependencies(server.Context(), dir, req.GetUseLanguageVersionTools(), true, stdout, stderr)
}

// RunPlugin runs a plugin written in Python (a directory with __main__.py, e.g. a provider served
// by pulumi.provider.main), streaming its output back to the CLI.
func (h *languageHost) RunPlugin(
	req *pulumirpc.RunPluginRequest, server grpc.ServerStreamingServer[pulumirpc.RunPluginResponse],
) error {
	ctx := server.Context()
	tc, opts, err := h.toolchainFor(req.GetInfo())
	if err != nil {
		return err
	}
	if err := tc.ValidateVenv(ctx); err != nil {
		return err
	}
	program := req.GetProgram()
	if program == "" {
		program = opts.ProgramDir
	}
	cmd, err := tc.Command(ctx, append([]string{"-u", program}, req.GetArgs()...)...)
	if err != nil {
		return err
	}
	cmd.Env = append(envOf(cmd), req.GetEnv()...)
	cmd.Dir = req.GetPwd()
	var mu sync.Mutex
	cmd.Stdout = streamWriter{&mu, func(b []byte) error {
		return server.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}})
	}}
	cmd.Stderr = streamWriter{&mu, func(b []byte) error {
		return server.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}})
	}}
	code := 0
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return err
		}
		code = exitErr.ExitCode()
	}
	return server.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(code)}})
}

var _ io.Writer = streamWriter{}
