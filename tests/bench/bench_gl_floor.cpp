// The renderer's floor (issue 14, item 8: "median ≤ 16 ms at 1920×1080"): what a frame costs on
// this machine's OpenGL before PageLab draws anything of its own. Dear ImGui's own GLFW/OpenGL3
// backends (the window's), one full-window ImGui window with no decorations, and in it one
// rectangle of a flat colour covering a given fraction of the window, drawn as PageLab's panels
// are: ImGui's shader (a texture sample times the vertex colour) with alpha blending on. Each
// frame is ImGui::NewFrame … Render, glClear, the draw, glFinish and the swap — App::frame's
// sequence under --bench-frames — timed on the wall clock and as the process's CPU time.
//
// Reproduce (llvmpipe is the software renderer CI and this VM have):
//   xvfb-run -a -s "-screen 0 1920x1080x24" build/tests/pagelab_bench_gl_floor --size 1920x1080
//
// Measured 4 Dec 2026, 1920×1080, Xvfb + Mesa llvmpipe (LLVM 15, 256 bits), 2-core VM; see
// docs/ui.md (Performance) for the figures and what they mean for the 16 ms budget.

#include <CLI/CLI.hpp>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <GL/gl.h>
#include <fmt/format.h>
#include <imgui.h>
#include "backends/imgui_impl_glfw.h"
#include "backends/imgui_impl_opengl3.h"
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace {

double cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size())))];
}

// One frame: a window over the whole viewport whose draw list gets one rectangle of `cover` of the
// window's area (full width, that fraction of the height); cover 0 draws nothing but the clear.
void frame(GLFWwindow* win, float cover, bool blend_opaque) {
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    const ImVec2 size = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(size);
    ImGui::Begin("floor", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_NoInputs);
    if (cover > 0)
        ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(0, 0), ImVec2(size.x, size.y * cover),
                                                  blend_opaque ? IM_COL32(40, 60, 90, 255) : IM_COL32(40, 60, 90, 200));
    ImGui::End();
    ImGui::Render();
    int w = 0, h = 0;
    glfwGetFramebufferSize(win, &w, &h);
    glViewport(0, 0, w, h);
    glClearColor(0.1f, 0.1f, 0.15f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    glFinish();
    glfwSwapBuffers(win);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App cli{"The OpenGL renderer's cost of a frame before PageLab draws anything (see the header)"};
    std::string size = "1920x1080";
    int frames = 100, warmup = 20;
    std::vector<float> covers{0.0f, 0.25f, 0.5f, 0.65f, 1.0f};
    cli.add_option("--size", size, "window size WxH");
    cli.add_option("--frames", frames, "timed frames per case")->check(CLI::Range(1, 100000));
    cli.add_option("--warmup", warmup, "untimed frames before each case")->check(CLI::Range(0, 100000));
    cli.add_option("--cover", covers, "fractions of the window the rectangle covers (a comma-separated list)")->delimiter(',')->check(CLI::Range(0.0f, 1.0f));
    CLI11_PARSE(cli, argc, argv);
    int w = 0, h = 0;
    if (std::sscanf(size.c_str(), "%dx%d", &w, &h) != 2 || w < 64 || h < 64) {
        std::fprintf(stderr, "error: --size must be WxH, at least 64x64\n");
        return 2;
    }
    if (!glfwInit()) {
        std::fprintf(stderr, "error: no display (run under xvfb-run)\n");
        return 77;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);  // as the window asks (ui/App.cpp)
    GLFWwindow* win = glfwCreateWindow(w, h, "bench_gl_floor", nullptr, nullptr);
    if (!win) {
        std::fprintf(stderr, "error: no OpenGL 3 window\n");
        return 77;
    }
    glfwMakeContextCurrent(win);
    glfwSwapInterval(0);
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;
    ImGui_ImplGlfw_InitForOpenGL(win, false);
    ImGui_ImplOpenGL3_Init("#version 330 core");
    std::printf("bench: %dx%d, renderer %s\n", w, h, reinterpret_cast<const char*>(glGetString(GL_RENDERER)));
    for (const bool opaque : {false, true}) {
        for (const float cover : covers) {
            if (cover == 0 && opaque) continue;
            for (int i = 0; i < warmup; ++i) frame(win, cover, opaque);
            std::vector<double> wall, cpu;
            for (int i = 0; i < frames; ++i) {
                const double c0 = cpu_ms();
                const auto t0 = std::chrono::steady_clock::now();
                frame(win, cover, opaque);
                wall.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
                cpu.push_back(cpu_ms() - c0);
            }
            std::printf("bench: cover %.2f of the window, %s: wall median %.2f ms (p95 %.2f), CPU median %.2f ms\n", cover,
                        cover == 0 ? "clear only" : (opaque ? "opaque colour" : "translucent colour"), percentile(wall, 0.5),
                        percentile(wall, 0.95), percentile(cpu, 0.5));
        }
    }
    double load = 0;
    if (FILE* f = std::fopen("/proc/loadavg", "r")) {
        if (std::fscanf(f, "%lf", &load) != 1) load = 0;
        std::fclose(f);
    }
    std::printf("bench: load average %.2f\n", load);
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(win);
    glfwTerminate();
    return 0;
}
