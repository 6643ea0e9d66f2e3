# cpc_set_warnings(target): the project's warning set, target-scoped.
function(cpc_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                            -Wold-style-cast -Wcast-align -Woverloaded-virtual
                                            # GCC 12 false positive on Asio coroutine frames
                                            # (operator delete of awaitable_frame_base).
                                            -Wno-mismatched-new-delete)
  if(CPC_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
