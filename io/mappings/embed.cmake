# Write OUT: one `static const unsigned char lp_crm_builtin_<name>[]` per
# mapping DIR/<name>.json (NAMES, comma-separated), the file's bytes as they are.
set(text "/* generated from io/mappings by embed.cmake: do not edit */\n")
string(REPLACE "," ";" NAMES "${NAMES}")
foreach(name ${NAMES})
  file(READ ${DIR}/${name}.json hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
  string(APPEND text "static const unsigned char lp_crm_builtin_${name}[] = {${hex}};\n")
endforeach()
file(WRITE ${OUT} "${text}")
