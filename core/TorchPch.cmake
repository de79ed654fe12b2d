# One precompiled torch header (pch/TorchPch.h, ~570 MB) for every target that compiles torch
# code: dragon_core, the dragon CLI, the torch tests and their fixtures. Parsing torch/torch.h
# costs a translation unit 10-15 s; before this only dragon_core had the header precompiled,
# and each torch test and CLI file parsed it again.
#
# GCC uses a precompiled header only when the user's flags match the ones it was made with:
# the same -fPIC (an executable's default -fpie does not match) and the same -pthread (it
# defines _REENTRANT), and every macro defined then must be defined alike now. So the header
# is made by dragon_torch_pch, which has torch's usage requirements and nothing else, and each
# user adds -fPIC -pthread. CMake passes -Winvalid-pch, so with -Werror a header GCC would
# ignore fails the build instead of silently costing the time again.
include(${CMAKE_CURRENT_LIST_DIR}/TorchFreeSources.cmake)

add_library(dragon_torch_pch OBJECT ${CMAKE_CURRENT_LIST_DIR}/pch/TorchPch.cpp)
target_link_libraries(dragon_torch_pch PRIVATE ${TORCH_LIBRARIES})
target_compile_options(dragon_torch_pch PRIVATE -fPIC -pthread)
target_precompile_headers(dragon_torch_pch PRIVATE ${CMAKE_CURRENT_LIST_DIR}/pch/TorchPch.h)
dragon_set_warnings(dragon_torch_pch)

# dragon_compile_with_torch_pch(TARGET): TARGET's sources that reach torch get the shared
# header; the others compile without it (TorchFreeSources.cmake), and so does the file AUTOMOC
# writes (the tests' moc output is included by their own sources).
function(dragon_compile_with_torch_pch target)
  target_compile_options(${target} PRIVATE -fPIC -pthread) # as dragon_torch_pch, see above
  target_precompile_headers(${target} REUSE_FROM dragon_torch_pch)
  dragon_skip_pch_where_torch_is_not_used(${target} ${PROJECT_SOURCE_DIR}/core)
  get_target_property(binary_dir ${target} BINARY_DIR)
  set_source_files_properties(${binary_dir}/${target}_autogen/mocs_compilation.cpp
    TARGET_DIRECTORY ${target} PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
endfunction()
