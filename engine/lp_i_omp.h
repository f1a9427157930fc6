/* lp_i_omp.h — internal: OpenMP queries that also compile without OpenMP
 * (pragmas only elsewhere; a build with OpenMP off must still work). */
#ifndef LP_I_OMP_H
#define LP_I_OMP_H

#ifdef _OPENMP
#include <omp.h>
#endif

/* Threads a parallel region will use (1 without OpenMP). */
static inline int lp_i_max_threads(void)
{
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

/* This thread's number inside a parallel region (0 without OpenMP). */
static inline int lp_i_thread_id(void)
{
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

#endif
